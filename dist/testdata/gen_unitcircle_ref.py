#!/usr/bin/python3
"""High-precision reference values for the VonMises, ContinuousBernoulli and
Kumaraswamy tests in package dist (files *vonmises*_test.go,
*continuous_bernoulli*_test.go, *kumaraswamy*_test.go).

Run with /usr/bin/python3 (mpmath 1.2); writes unitcircle_ref.json next to this
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
# Intermediate perturbations exercise the quadrature rules of 3 to 20
# points.
for k in [0.05, 2, 30, 900]:
    for r in [1e-4, 1e-2, 0.2, 0.45]:
        near.append((-1, k * (1 + r), -1.1, k))
        near.append((2, k, 2, k * (1 + r)))
vonmises = [{"p": [c[0], c[1]], "q": [c[2], c[3]], "kl": f(vm_kl(*c))}
            for c in vm_cases + near]


# ------------------------------------------------------ ContinuousBernoulli
# torch's formulas (Loaiza-Ganem & Cunningham 2019) in terms of probs lam,
# evaluated with 60 digits to spare beyond what lam and 1 - lam need (so the
# cancellation near lam = 1/2 costs nothing), with the limits at lam = 1/2
# exactly.
def cb_from_probs(lam):
    lam = mp.mpf(lam)
    if lam == mp.mpf(1) / 2:
        logc = mp.log(2)
        mean = mp.mpf(1) / 2
        var = mp.mpf(1) / 12
    else:
        # atanh(1 - 2 lam) as torch evaluates it, (log1p(-lam) - log(lam))/2
        # (mpmath's atanh loses digits next to 1).
        t = (mp.log1p(-lam) - mp.log(lam)) / 2
        logc = mp.log(2 * t / (1 - 2 * lam))
        mean = lam / (2 * lam - 1) + 1 / (2 * t)
        var = lam * (lam - 1) / (1 - 2 * lam) ** 2 + 1 / (2 * t) ** 2
    l0, l1 = mp.log1p(-lam), mp.log(lam)
    ent = mean * (l0 - l1) - logc - l0
    lp = lambda x: logc + x * l1 + (1 - x) * l0
    eta = l1 - l0
    return eta, logc, mean, var, ent, lp


def cb_dps(kind, value):
    """Digits needed so that lam and 1 - lam both keep 60 digits."""
    if kind == "probs":
        v = mp.mpf(value)
        return 70 + int(-mp.log10(min(v, 1 - v)))
    return 70 + int(abs(value) / 2.3)


def cb_lam(kind, value):
    if kind == "probs":
        return mp.mpf(value)
    return 1 / (1 + mp.exp(-mp.mpf(value)))


def cb_row(kind, value):
    with mp.workdps(cb_dps(kind, value)):
        eta, logc, mean, var, ent, lp = cb_from_probs(cb_lam(kind, value))
        x03 = mp.mpf(0.3)
        return {"kind": kind, "value": value, "eta": f(eta), "log_norm": f(logc),
                "lp0": f(lp(0)), "lp03": f(lp(x03)), "lp1": f(lp(1)),
                "mean": f(mean), "variance": f(var), "entropy": f(ent)}


cb = []
for lam in [0.5, 0.5 + 1e-12, 0.5 - 1e-10, 0.4999, 0.5004, 0.499, 0.501, 0.45, 0.3,
            0.9, 0.01, 1e-6, 1 - 1e-9, 1e-200]:
    cb.append(cb_row("probs", lam))
for eta in [0.0, 1e-300, 1e-12, -3e-7, 1e-3, -0.05, 1.0, -2.5, 7, 30, -200, 750, -1e4]:
    cb.append(cb_row("logits", eta))


def cb_kl(kp, vp, kq, vq):
    with mp.workdps(max(cb_dps(kp, vp), cb_dps(kq, vq))):
        lp, lq = cb_lam(kp, vp), cb_lam(kq, vq)
        ep, lcp, mp_, _, _, _ = cb_from_probs(lp)
        eq, lcq, _, _, _, _ = cb_from_probs(lq)
        return mp_ * (ep - eq) + lcp + mp.log1p(-lp) - lcq - mp.log1p(-lq)


cb_kl_cases = [
    ("probs", 0.3, "probs", 0.6), ("probs", 0.5, "probs", 0.9), ("probs", 0.01, "probs", 0.999),
    ("probs", 0.5, "probs", 0.5 + 1e-9), ("probs", 0.4999, "probs", 0.5003),
    ("logits", 0.0, "logits", 2.0), ("logits", -3.0, "logits", 40.0), ("logits", 100.0, "logits", 101.5),
    ("logits", -800.0, "logits", -790.0), ("logits", 2.5, "logits", 3.7), ("logits", -0.6, "logits", 1.3),
    ("logits", 1.0, "probs", 0.2), ("probs", 0.8, "logits", -1.0),
]
for lam in [1e-4, 0.2, 0.4999, 0.5, 0.5001, 0.73, 1 - 1e-5]:
    cb_kl_cases.append(("probs", lam * (1 + 1e-6), "probs", lam))
    cb_kl_cases.append(("probs", lam, "probs", lam * (1 - 1e-6)))
for eta in [0.0, 1e-8, 0.3, -4, 60, -900]:
    d = 1e-6 * max(1, abs(eta))
    cb_kl_cases.append(("logits", eta + d, "logits", eta))
for eta in [0.0, -1.5, 3, 25]:
    for d in [1e-3, 0.1, 0.7, 1.5, 1.99]:
        cb_kl_cases.append(("logits", eta + d, "logits", eta))
        cb_kl_cases.append(("logits", eta, "logits", eta - d))
cbkl = [{"p": [kp, vp], "q": [kq, vq], "kl": f(cb_kl(kp, vp, kq, vq))}
        for kp, vp, kq, vq in cb_kl_cases]


# -------------------------------------------------------------- Kumaraswamy
def kuma_moments(a, b):
    a, b = mp.mpf(a), mp.mpf(b)
    m1 = b * mp.beta(1 + 1 / a, b)
    m2 = b * mp.beta(1 + 2 / a, b)
    ent = (1 - 1 / b) + (1 - 1 / a) * (mp.digamma(b + 1) + mp.euler) - mp.log(a * b)
    return m1, m2 - m1 * m1, ent


def kuma_log1m_mean(a, b):
    """E[log(1 - X)] = -int_0^1 (1 - x^a)^b/(1 - x) dx, X ~ Kumaraswamy(a, b),
    by quadrature after the substitution 1 - x = v^(1/b), which removes the
    endpoint singularity: -(1/b) int_0^1 ((1 - x^a)/(1 - x))^b dv, with
    1 - x^a = -expm1(a log1p(-(1 - x))) evaluated without cancellation.
    Independent of the series the library sums."""
    a, b = mp.mpf(a), mp.mpf(b)

    def g(v):
        d = v ** (1 / b)
        if d == 0:
            return a ** b
        return (-mp.expm1(a * mp.log1p(-d)) / d) ** b

    pts = [0, mp.mpf(10) ** -30, mp.mpf(10) ** -20, mp.mpf(10) ** -12, mp.mpf(10) ** -8,
           mp.mpf(10) ** -5, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9,
           0.95, 0.99, 0.999, 1]
    return -mp.quad(g, pts) / b


def kuma_beta_kl(a, b, al, be):
    a, b, al, be = map(mp.mpf, (a, b, al, be))
    _, _, ent = kuma_moments(a, b)
    elog = (-mp.euler - mp.digamma(b) - 1 / b) / a  # E[log X]
    elog1m = kuma_log1m_mean(a, b)
    return -ent - (al - 1) * elog - (be - 1) * elog1m + mp.log(mp.beta(al, be))


def kuma_beta_kl_direct(a, b, al, be):
    """KL by integrating q log(q/p) directly (check on moderate parameters)."""
    a, b, al, be = map(mp.mpf, (a, b, al, be))
    lb = mp.log(mp.beta(al, be))

    def h(x):
        lq = mp.log(a * b) + (a - 1) * mp.log(x) + (b - 1) * mp.log1p(-x ** a)
        lp = (al - 1) * mp.log(x) + (be - 1) * mp.log1p(-x) - lb
        return mp.exp(lq) * (lq - lp)
    return mp.quad(h, [0, 0.001, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999, 1])


kuma = []
for a, b in [(1, 1), (2, 3), (0.5, 0.1), (5, 0.5), (0.3, 7), (20, 2), (1e3, 1.5), (1e5, 2),
             (0.05, 40), (3, 1e4), (1e-3, 0.5)]:
    m, v, e = kuma_moments(a, b)
    kuma.append({"a": a, "b": b, "mean": f(m), "variance": f(v), "entropy": f(e)})

kb_cases = [
    (1, 1, 1, 1), (2, 3, 1, 4), (0.5, 0.1, 1, 5), (0.1, 0.01, 1, 3), (5, 0.5, 2, 2),
    (1, 10, 0.5, 0.5), (0.3, 7, 3, 1), (20, 2, 1, 1), (1, 0.001, 1, 2), (0.05, 0.05, 0.7, 0.9),
    (100, 0.3, 4, 0.5), (3, 9.5, 2, 7), (1.5, 15, 1, 10), (0.7, 40, 2, 30), (4, 200, 1, 150),
    (2.5, 10, 1.5, 3), (2.5, 10.5, 1.5, 3), (1, 4, 1, 4), (0.8, 1.3, 0.9, 1.1), (12, 0.7, 5, 1),
]
for c in kb_cases:
    if 0.3 <= min(c) and max(c) <= 20:
        d1, d2 = kuma_beta_kl(*c), kuma_beta_kl_direct(*c)
        assert abs(d1 - d2) < mp.mpf(10) ** -15 * max(1, abs(d1)), (c, d1, d2)
# For large b the series converges fast: its direct sum in mpmath must agree
# with the quadrature.
for a, b, _, _ in kb_cases:
    if b > 10:
        am, bm = mp.mpf(a), mp.mpf(b)
        ser = mp.nsum(lambda m: mp.beta(m / am, bm) / (m + am * bm), [1, mp.inf])
        quad = -kuma_log1m_mean(a, b) / bm
        assert abs(ser - quad) < mp.mpf(10) ** -20 * quad, (a, b, ser, quad)
kumabeta = [{"a": c[0], "b": c[1], "alpha": c[2], "beta": c[3], "kl": f(kuma_beta_kl(*c))}
            for c in kb_cases]

out = {"vonmises_kl": vonmises, "cb": cb, "cb_kl": cbkl, "kumaraswamy": kuma,
       "kumaraswamy_beta": kumabeta}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "unitcircle_ref.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
