#!/usr/bin/python3
"""High-precision reference values for the VonMises, ContinuousBernoulli and
Kumaraswamy tests in package dist (files *vonmises*_test.go,
*continuous_bernoulli*_test.go, *kumaraswamy*_test.go).

Run with /usr/bin/python3 (mpmath 1.2); writes misc_ref.json next to this
script. Everything is computed with mpmath at 60 significant digits from
the textbook formulas (closed forms with besseli, digamma, beta, or
numerical integration where noted) and rounded to float64 when written.
"""
import json
import os

import mpmath as mp

mp.mp.dps = 60


def f(x):
    return float(x)


# ---------------------------------------------------------------- VonMises
def vm_kl(m1, k1, m2, k2):
    m1, k1, m2, k2 = map(mp.mpf, (m1, k1, m2, k2))
    i0 = lambda k: mp.besseli(0, k)
    a1 = mp.besseli(1, k1) / i0(k1)
    return mp.log(i0(k2) / i0(k1)) + a1 * (k1 - k2 * mp.cos(m1 - m2))


vm_cases = [
    (0, 1, 0, 2), (0.3, 0.5, -1, 3), (2, 10, -2.5, 0.1), (-3, 25, 3, 40),
    (0.1, 100, 0.2, 90), (1, 1e-3, 0, 5), (0, 3, 0, 1e-4), (0.5, 2000, 0.49, 1500),
    (1, 1e5, 1.001, 2e5), (0, 20.5, 0.3, 19.5),
]
near = []
for k in [1e-3, 0.3, 1, 7, 19.9, 20.1, 150, 1e4, 1e7]:
    near.append((0.4, k * (1 + 1e-6), 0.4, k))
    near.append((0.4, k * (1 - 1e-6), 0.4, k))
    near.append((0.4 + 1e-6, k, 0.4, k))
    near.append((0.4 + 1e-6, k * (1 + 1e-6), 0.4, k))
vonmises = [{"p": [c[0], c[1]], "q": [c[2], c[3]], "kl": f(vm_kl(*c))}
            for c in vm_cases + near]

out = {"vonmises_kl": vonmises}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "misc_ref.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
