#!/usr/bin/env python3
"""Reference entropies (nats) of the Multinomial, Geometric and Bernoulli
distributions for dist/entropy_multinomial_test.go, in mpmath at 50 digits.

Multinomial(n, p): H = -log n! - n sum_j p_j log p_j + sum_j E[log x_j!] with
x_j ~ Binomial(n, p_j), every binomial sum over all k = 0..n; for small n
also by brute force over every count vector ("brute"), which does not use
the binomial-marginal identity. The parameters are the float64 values the
test passes (probs normalized in mpmath).
Geometric(p) (failures before the first success): H = -(p log p + q log q)/p.
Bernoulli(p): H = -(p log p + q log q).
Binomial(n, p), Poisson(rate) and NegativeBinomial(r, p) for large n, rate
and r ("binomial_large", "poisson_large", "negative_binomial_large"), where the entropy is small next to log n!: the exact
sum -sum_k p_k log p_k over k in mean +- 60 sd (tail mass below 1e-700).

Run: /usr/bin/python3 dist/testdata/entropy_multinomial.py > dist/testdata/entropy_multinomial.json
"""
import itertools
import json
from mpmath import mp, mpf, log, exp, loggamma

mp.dps = 50


def xlogx(x):
    return x * log(x) if x > 0 else mpf(0)


def binom_elogfact(n, p):
    q = 1 - p
    if p == 0:
        return mpf(0)
    if q == 0:
        return loggamma(n + 1)
    s = mpf(0)
    for k in range(0, n + 1):
        lp = loggamma(n + 1) - loggamma(k + 1) - loggamma(n - k + 1) + k * log(p) + (n - k) * log(q)
        s += exp(lp) * loggamma(k + 1)
    return s


def multinomial(n, probs):
    ps = [mpf(float(x)) for x in probs]
    tot = sum(ps)
    ps = [x / tot for x in ps]
    h = -loggamma(n + 1) - n * sum(xlogx(x) for x in ps)
    for x in ps:
        h += binom_elogfact(n, x)
    return h, ps


def multinomial_brute(n, ps):
    k = len(ps)
    h = mpf(0)
    for xs in itertools.product(range(n + 1), repeat=k - 1):
        last = n - sum(xs)
        if last < 0:
            continue
        xs = list(xs) + [last]
        if any(x > 0 and p == 0 for x, p in zip(xs, ps)):
            continue
        lp = loggamma(n + 1)
        for x, p in zip(xs, ps):
            lp += -loggamma(x + 1) + (x * log(p) if x > 0 else 0)
        h -= exp(lp) * lp
    return h


def binomial_window(n, p):
    p = mpf(float(p))
    q = 1 - p
    sd = (n * p * q) ** 0.5
    lo, up = max(0, int(n * p - 60 * sd)), min(n, int(n * p + 60 * sd) + 1)
    h = mpf(0)
    for k in range(lo, up + 1):
        lp = loggamma(n + 1) - loggamma(k + 1) - loggamma(n - k + 1) + k * log(p) + (n - k) * log(q)
        h -= exp(lp) * lp
    return h


def poisson_window(lam):
    lam = mpf(lam)
    sd = lam ** 0.5
    h = mpf(0)
    for k in range(max(0, int(lam - 60 * sd)), int(lam + 60 * sd) + 1):
        lp = k * log(lam) - lam - loggamma(k + 1)
        h -= exp(lp) * lp
    return h


def negbin_window(r, p):
    r, p = mpf(r), mpf(float(p))
    q = 1 - p
    mean, sd = r * p / q, (r * p) ** 0.5 / q
    h = mpf(0)
    for k in range(max(0, int(mean - 60 * sd)), int(mean + 60 * sd) + 1):
        lp = loggamma(k + r) - loggamma(r) - loggamma(k + 1) + r * log(q) + k * log(p)
        h -= exp(lp) * lp
    return h


out = {"multinomial": [], "geometric": [], "bernoulli": [], "binomial_large": [], "poisson_large": [], "negative_binomial_large": []}
for r, p in [("1e4", "0.5"), ("1e5", "0.3"), ("2.5e5", "0.01")]:
    out["negative_binomial_large"].append({"total_count": float(mpf(r)), "probs": float(mpf(p)), "entropy": float(negbin_window(r, p))})
for n, p in [(10000, "0.3"), (100000, "0.3"), (1000000, "0.01")]:
    out["binomial_large"].append({"total_count": n, "probs": float(mpf(p)), "entropy": float(binomial_window(n, p))})
for lam in ["1e4", "1e5", "1e6"]:
    out["poisson_large"].append({"rate": float(mpf(lam)), "entropy": float(poisson_window(lam))})
cases = [
    (1, ["0.3", "0.7"]),
    (4, ["0.2", "0.5", "0.3"]),
    (7, ["1", "2", "3", "4"]),
    (6, ["0.5", "0", "0.5"]),
    (20, ["0.01", "0.98", "0.01"]),
    (100, ["0.25", "0.25", "0.25", "0.25"]),
    (1000, ["0.1", "0.3", "0.6"]),
    (1000, ["1e-6", "0.999999"]),
    (10000, ["0.2", "0.3", "0.5"]),
    (20000, ["0.7", "0.2", "0.05", "0.05"]),
]
for n, probs in cases:
    h, ps = multinomial(n, probs)
    row = {"total_count": n, "probs": [float(mpf(x)) for x in probs], "entropy": float(h)}
    if n <= 8:
        row["brute"] = float(multinomial_brute(n, ps))
    out["multinomial"].append(row)
for p in ["1e-8", "0.001", "0.1", "0.5", "0.9", "0.999999", "0.9999999999"]:
    pf = mpf(float(mpf(p)))
    q = 1 - pf
    out["geometric"].append({"probs": float(pf), "entropy": float(-(xlogx(pf) + xlogx(q)) / pf)})
    out["bernoulli"].append({"probs": float(pf), "entropy": float(-(xlogx(pf) + xlogx(q)))})
print(json.dumps(out, indent=1))
