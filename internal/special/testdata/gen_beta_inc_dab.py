#!/usr/bin/python3
"""Reference values for special.RegIncBetaDab.

Writes beta_inc_dab.json: dI_x(a,b)/da and dI_x(a,b)/db of the regularized
incomplete beta function, by mpmath.diff of mpmath.betainc(a, b, 0, x,
regularized=True) at 40 significant digits.

Run: /usr/bin/python3 gen_beta_inc_dab.py (from this directory).
"""
import json
import mpmath as mp

mp.mp.dps = 40

def I(a, b, x):
    return mp.betainc(a, b, 0, x, regularized=True)

cases = []
for a, b, xs in [
    (0.5, 0.5, [1e-6, 0.1, 0.5, 0.9, 0.999]),
    (2.0, 3.0, [0.05, 0.3, 0.42, 0.43, 0.8]),
    (0.02, 1.5, [1e-30, 0.01, 0.5]),
    (1.0, 1.0, [0.25, 0.75]),
    (30.0, 7.0, [0.5, 0.8, 0.82, 0.95]),
    (200.0, 300.0, [0.36, 0.4, 0.44]),
    (5.0, 0.5, [0.3, 0.9, 0.99]),
]:
    for x in xs:
        a_, b_, x_ = mp.mpf(a), mp.mpf(b), mp.mpf(x)
        da = mp.diff(lambda s: I(s, b_, x_), a_)
        db = mp.diff(lambda s: I(a_, s, x_), b_)
        cases.append({"a": a, "b": b, "x": x, "da": float(da), "db": float(db)})

with open("beta_inc_dab.json", "w") as f:
    json.dump(cases, f, indent=1)
