#!/usr/bin/python3
"""Reference values for special.LgammaBregman.

Writes lgamma_bregman.json: D(a, b) = loggamma(b) - loggamma(a) - (b-a) digamma(a)
at 60 significant digits (mpmath), for b = a(1 + delta) rounded to float64
(the JSON holds the exact float64 inputs).

Run: /usr/bin/python3 gen_lgamma_bregman.py (from this directory).
"""
import json
import mpmath as mp

mp.mp.dps = 60

def D(a, b):
    a, b = mp.mpf(a), mp.mpf(b)
    return mp.loggamma(b) - mp.loggamma(a) - (b - a) * mp.digamma(a)

cases = []
for a in [1e-3, 0.01, 0.3, 1.0, 2.5, 7.0, 14.2, 15.0, 40.0, 1e3, 1e6]:
    for delta in [1e-10, -1e-10, 1e-6, -1e-6, 1e-3, -1e-3, 0.05, -0.05, 0.2, -0.2, 0.5, -0.5, 0.97, -0.97, 3.0, 100.0]:
        b = a * (1 + delta)
        cases.append({"a": a, "b": b, "d": float(D(a, b))})
for a, b in [(0.001, 1000.0), (1000.0, 0.001), (0.5, 1.5), (3.0, 2.0), (1e6, 1.0), (1.0, 1e6)]:
    cases.append({"a": a, "b": b, "d": float(D(a, b))})

with open("lgamma_bregman.json", "w") as f:
    json.dump(cases, f, indent=1)
