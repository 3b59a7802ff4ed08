#!/usr/bin/python3
"""Reference values for internal/special/gamma_inc.go.

Writes gamma_inc_da.json: for each (a, x), dP/da of the regularized lower
incomplete gamma function P(a, x), and the implicit gradient
d log x/da = -(dP/da) / (x^a e^-x / Gamma(a)), computed with mpmath at 40
significant digits (mpmath.diff of mpmath.gammainc(..., regularized=True)).

Run: /usr/bin/python3 gen_gamma_inc_da.py (from this directory).
"""
import json
import mpmath as mp

mp.mp.dps = 40

def dP(a, x):
    # Differentiate the smaller of P and Q = 1 - P: near P = 1 the lower
    # function has no digits left to differentiate.
    if x > a:
        return -mp.diff(lambda s: mp.gammainc(s, x, mp.inf, regularized=True), a)
    return mp.diff(lambda s: mp.gammainc(s, 0, x, regularized=True), a)

def dlogx(a, x, dpa):
    # x f(x) = x^a e^{-x} / Gamma(a), formed in log space.
    xf = mp.exp(a * mp.log(x) - x - mp.loggamma(a))
    return -dpa / xf

cases = []
grid = [
    (1e-3, [1e-300, 1e-50, 1e-5, 0.3, 0.9, 1.5, 4.0, 30.0]),
    (0.01, [1e-200, 1e-8, 0.05, 0.5, 1.0, 2.0, 12.0]),
    (0.3, [1e-6, 0.01, 0.2, 1.0, 1.29, 1.31, 3.0, 20.0]),
    (1.0, [1e-4, 0.5, 1.0, 1.99, 2.01, 5.0, 40.0]),
    (2.5, [0.1, 1.0, 2.5, 3.49, 3.51, 6.0, 15.0]),
    (10.0, [1.0, 5.0, 9.0, 10.0, 10.99, 11.01, 14.0, 25.0, 60.0]),
    (100.0, [50.0, 80.0, 95.0, 100.0, 100.99, 101.01, 105.0, 130.0, 200.0]),
    (1e4, [9.5e3, 9.9e3, 1e4, 1.0001e4, 1.01e4, 1.05e4]),
    (1e6, [0.997e6, 0.9995e6, 1e6, 1.000001e6, 1.0005e6, 1.003e6]),
]
for a, xs in grid:
    for x in xs:
        a_, x_ = mp.mpf(a), mp.mpf(x)
        d = dP(a_, x_)
        cases.append({
            "a": a, "x": x,
            "dPda": float(d),
            "dlogxda": float(dlogx(a_, x_, d)),
        })
# log-space points where x underflows float64: only d log x/da is defined
# numerically; dP/da is computed with the same formula.
for a, logx in [(1e-3, -1000.0), (1e-3, -5000.0), (0.01, -800.0)]:
    a_, lx = mp.mpf(a), mp.mpf(logx)
    x_ = mp.exp(lx)
    d = dP(a_, x_)
    cases.append({"a": a, "logx": logx, "dlogxda": float(dlogx(a_, x_, d))})

# Far upper tails (x >> a): d log x/da only (dP/da underflows).
for a, x in [(0.020677978338760672, 77.66023373374054), (0.005916504559286745, 116.84296465570264),
             (0.0185603186725123, 13826.931257566872), (0.0010206813056527133, 1.28884597433259e15),
             (1.0, 700.0), (3.5, 1e4)]:
    a_, x_ = mp.mpf(a), mp.mpf(x)
    cases.append({"a": a, "x": x, "dlogxda": float(dlogx(a_, x_, dP(a_, x_)))})

with open("gamma_inc_da.json", "w") as f:
    json.dump(cases, f, indent=1)
