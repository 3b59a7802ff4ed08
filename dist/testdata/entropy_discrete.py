#!/usr/bin/env python3
"""Reference entropies (nats) of the Poisson, Binomial and NegativeBinomial distributions for
dist/entropy_discrete_test.go, by exact summation of -sum p_k log p_k in
mpmath at 50 digits (Poisson: every k up to rate + 80 sqrt(rate) + 200,
whose tail mass is far below 1e-50). Also dH/dparam by the same sums.

Run: /usr/bin/python3 dist/testdata/entropy_discrete.py > dist/testdata/entropy_discrete.json
"""
import json
from mpmath import mp, mpf, log, exp, loggamma, sqrt, floor

mp.dps = 50


def poisson(lam):
    lam = mpf(float(lam))
    h = dh = mpf(0)
    for k in range(0, int(floor(lam + 80 * sqrt(lam) + 200))):
        lp = k * log(lam) - lam - loggamma(k + 1)
        t = exp(lp) * lp
        h -= t
        dh -= t * (k / lam - 1)
    return h, dh


def binomial(n, p):
    p = mpf(float(p))
    q = 1 - p
    h = dh = mpf(0)
    for k in range(0, n + 1):
        lp = loggamma(n + 1) - loggamma(k + 1) - loggamma(n - k + 1) + k * log(p) + (n - k) * log(q)
        t = exp(lp) * lp
        h -= t
        dh -= t * (k - n * p) / (p * q)
    return h, dh


def negbin(r, p):
    r, p = mpf(float(r)), mpf(float(p))
    q = 1 - p
    h = mpf(0)
    mean, sd = r * p / q, sqrt(r * p) / q
    for k in range(0, int(floor(mean + 80 * sd + 200 + 120 / -log(p)))):
        lp = loggamma(k + r) - loggamma(r) - loggamma(k + 1) + r * log(q) + k * log(p)
        h -= exp(lp) * lp
    return h


out = {"poisson": [], "binomial": [], "negative_binomial": []}
for lam in ["1e-8", "0.001", "0.1", "0.5", "1", "2.5", "7", "10", "33.3", "100", "1000"]:
    h, dh = poisson(lam)
    out["poisson"].append({"rate": float(mpf(lam)), "entropy": float(h), "d_rate": float(dh)})
for n, p in [(1, "0.3"), (5, "0.5"), (10, "0.01"), (20, "0.9"), (50, "0.37"), (100, "1e-5"), (1000, "0.2"), (3, "0.999")]:
    h, dh = binomial(n, p)
    out["binomial"].append({"total_count": n, "probs": float(mpf(p)), "entropy": float(h), "d_probs": float(dh)})
for r, p in [("1", "0.5"), ("0.1", "0.9"), ("3.5", "0.2"), ("10", "0.01"), ("50", "0.7"), ("0.5", "0.99"), ("2", "1e-6")]:
    out["negative_binomial"].append({"total_count": float(mpf(r)), "probs": float(mpf(p)), "entropy": float(negbin(r, p))})
print(json.dumps(out, indent=1))
