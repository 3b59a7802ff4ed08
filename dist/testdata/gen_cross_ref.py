#!/usr/bin/python3
"""High-precision reference values for the cross-family KL pairs of package
dist (dist/kl_cross_*.go).

Run from the repository root with /usr/bin/python3 (mpmath):

    /usr/bin/python3 dist/testdata/gen_cross_ref.py

It writes dist/testdata/cross_ref.json. Every KL divergence is computed by
numerical integration of p(x) (log p(x) - log q(x)) over p's support with
mpmath at 40 significant digits (tanh-sinh quadrature, the interval cut at
the characteristic points of both densities), never from a closed form, so
a wrong formula in the Go code cannot agree with its reference. Each
integral is computed twice, with two different sets of cut points, and the
two must agree to 1e-25 relative (or 1e-30 absolute), which bounds the
quadrature error. A few closed forms that the Go tests compare with (the
shape constants of kl_cross.go) are written from mpmath at 40 digits.

Parameters are given in the order of the Go struct fields:
Normal(loc, scale), Beta(concentration1, concentration0),
Exponential(rate), Gamma(concentration, rate), Gumbel(loc, scale),
Laplace(loc, scale), Pareto(scale, alpha), Uniform(low, high),
Weibull(scale, concentration), HalfNormal(scale), LogNormal(loc, scale),
Chi2(df), ContinuousBernoulli(probs). Values are float64 (the "near" cases are perturbed in float64,
exactly as the Go tests read them), written as Python repr strings.
"""
import json
import sys
import time

from mpmath import mp, mpf, log, exp, expm1, pi, sqrt, loggamma, fabs, quad, inf, euler

mp.dps = 40


def s(x):
    return repr(float(x))


LOG_SQRT_2PI = log(2 * pi) / 2


def lbeta(a, b):
    return loggamma(a) + loggamma(b) - loggamma(a + b)


# logpdf(x, params, xc) of each family, xc = 1 - x given separately so that
# the Beta density keeps its accuracy next to x = 1.
def normal_lp(x, p, xc):
    m, sc = p
    z = (x - m) / sc
    return -z * z / 2 - log(sc) - LOG_SQRT_2PI


def beta_lp(x, p, xc):
    a, b = p
    return (a - 1) * log(x) + (b - 1) * log(xc) - lbeta(a, b)


def exponential_lp(x, p, xc):
    (r,) = p
    return log(r) - r * x


def gamma_lp(x, p, xc):
    c, r = p
    return c * log(r) + (c - 1) * log(x) - r * x - loggamma(c)


def gumbel_lp(x, p, xc):
    m, sc = p
    z = (x - m) / sc
    return -log(sc) - z - exp(-z)


def laplace_lp(x, p, xc):
    m, b = p
    return -log(2 * b) - fabs(x - m) / b


def pareto_lp(x, p, xc):
    xm, a = p
    return log(a) + a * log(xm) - (a + 1) * log(x)


def uniform_lp(x, p, xc):
    l, h = p
    return -log(h - l)


def weibull_lp(x, p, xc):
    lam, k = p
    return log(k / lam) + (k - 1) * log(x / lam) - (x / lam) ** k


def halfnormal_lp(x, p, xc):
    (sc,) = p
    return log(sqrt(2 / pi) / sc) - x * x / (2 * sc * sc)


def lognormal_lp(x, p, xc):
    m, sc = p
    z = (log(x) - m) / sc
    return -log(x) - log(sc) - LOG_SQRT_2PI - z * z / 2


def cb_lp(x, p, xc):
    (lam,) = p
    eta = log(lam / (1 - lam))
    if eta == 0:
        return mpf(0)
    return eta * x - log(expm1(eta) / eta)


def chi2_lp(x, p, xc):
    (k,) = p
    return gamma_lp(x, (k / 2, mpf(1) / 2), xc)


LOGPDF = {
    "Normal": normal_lp, "Beta": beta_lp, "Exponential": exponential_lp, "Gamma": gamma_lp,
    "Gumbel": gumbel_lp, "Laplace": laplace_lp, "Pareto": pareto_lp, "Uniform": uniform_lp,
    "Weibull": weibull_lp, "HalfNormal": halfnormal_lp, "LogNormal": lognormal_lp, "Chi2": chi2_lp,
    "ContinuousBernoulli": cb_lp,
}


class Seg:
    """A piece of p's support as x = xmap(u) over the cut points upts in u,
    with the inverse umap to place q's kinks."""

    def __init__(self, upts, xmap=None, dxdu=None, umap=None, xcmap=None):
        self.upts = upts
        self.xmap = xmap or (lambda u: u)
        self.dxdu = dxdu or (lambda u: mpf(1))
        self.umap = umap or (lambda x: x)
        self.xcmap = xcmap or (lambda u: 1 - self.xmap(u))


def p_segments(fam, p, qf, q):
    """The pieces of p's support to integrate over, each cut off where the
    integrand is below 1e-170 times its bulk (beyond which mpmath would
    spend its time on huge exponents)."""
    if fam == "Normal":
        m, sc = p
        return [Seg([m + k * sc for k in (-40, -8, -3, -1, 0, 1, 3, 8, 40)])]
    if fam == "Beta":
        # Cut at the mean ± 1, 3, 8 sd; the first piece as x = u^(1/a) when
        # a < 1 and the last as x = 1 - y^(1/b) (1 - x = y^(1/b) exact)
        # remove the endpoint singularities x^(a-1) and (1-x)^(b-1).
        a, b = p
        t = a + b
        mean, sd = a / t, sqrt(a * b / (t * t * (t + 1)))
        cuts = sorted(set([mpf(0), mpf(1)] + [mean + k * sd for k in (-8, -3, -1, 0, 1, 3, 8) if 0 < mean + k * sd < 1]), key=float)
        c1, cn = cuts[1], cuts[-2]
        if a < 1:
            first = Seg([0, c1 ** a / 2, c1 ** a], lambda u: u ** (1 / a), lambda u: u ** (1 / a - 1) / a, lambda x: x ** a)
        else:
            first = Seg([0, c1 / 2, c1])
        bb = min(b, mpf(1))
        last = Seg([0, (1 - cn) ** bb / 2, (1 - cn) ** bb], lambda u: 1 - u ** (1 / bb), lambda u: u ** (1 / bb - 1) / bb,
                   lambda x: (1 - x) ** bb, lambda u: u ** (1 / bb))
        segs = [first, last]
        if len(cuts) > 3:
            segs.append(Seg(cuts[1:-1]))
        return segs
    if fam == "Exponential":
        (r,) = p
        return [Seg([0, 1 / r, 5 / r, 30 / r, 300 / r])]
    if fam in ("Gamma", "Chi2"):
        c, r = p if fam == "Gamma" else (p[0] / 2, mpf(1) / 2)
        mean, sd = c / r, sqrt(c) / r
        if c < 1:
            # x = u^(1/c) near 0 removes the singularity x^(c-1).
            x0 = mean
            near0 = Seg([0, x0 ** c / 2, x0 ** c], lambda u: u ** (1 / c), lambda u: u ** (1 / c - 1) / c, lambda x: x ** c)
            return [near0, Seg([x0, x0 + 3 * sd, x0 + 10 * sd, x0 + 40 * sd, x0 + 400 / r])]
        pts = [0] + [x for x in (mean - 3 * sd, mean - sd, mean, mean + sd, mean + 3 * sd, mean + 10 * sd) if x > 0] + [mean + 40 * sd + 300 / r]
        return [Seg(sorted(set(pts), key=float))]
    if fam == "Gumbel":
        # The left tail e^{-e^{-z}} is below 1e-170 at z = -6.
        m, sc = p
        return [Seg([m + k * sc for k in (-6, -3, -1, 0, 1, 3, 10, 40, 400)])]
    if fam == "Laplace":
        # Cut where the integrand is below e^{-400}; against a Gumbel q,
        # whose -log q grows like e^{-x/σ}, the left cut moves out.
        m, b = p
        left = 400 * b / (1 - b / q[1]) if qf == "Gumbel" else 400 * b
        return [Seg([m - left] + [m + k * b for k in (-10, -2, 0, 2, 10, 400)])]
    if fam == "Pareto":
        # x = x_m e^u: the polynomial tail decays exponentially in u.
        xm, a = p
        return [Seg([0, 1 / a, 3 / a, 10 / a, 400 / a], lambda u: xm * exp(u), lambda u: xm * exp(u), lambda x: log(x / xm))]
    if fam == "ContinuousBernoulli":
        # As Uniform(0, 1).
        return [Seg([0, mpf(1) / 4, mpf(1) / 2]), Seg([0, mpf(1) / 4, mpf(1) / 2], lambda u: 1 - u, lambda u: mpf(1), lambda x: 1 - x, lambda u: u)]
    if fam == "Uniform":
        # The right half as x = h - u, with 1 - x = (1 - h) + u exact
        # next to h = 1.
        l, h = p
        w2 = (h - l) / 2
        return [Seg([l, l + w2]), Seg([0, w2], lambda u: h - u, lambda u: mpf(1), lambda x: h - x, lambda u: (1 - h) + u)]
    if fam == "Weibull":
        lam, k = p
        if k < 1:
            # x = λ u^(1/k) near 0 removes the singularity x^(k-1).
            near0 = Seg([0, mpf(1) / 2, 1], lambda u: lam * u ** (1 / k), lambda u: lam * u ** (1 / k - 1) / k, lambda x: (x / lam) ** k)
            return [near0, Seg([lam, 2 * lam, 5 * lam, 20 * lam, lam * 400 ** (1 / k)])]
        return [Seg([0, lam / 2, lam, 2 * lam, 5 * lam, lam * 400 ** (1 / k)])]
    if fam == "HalfNormal":
        (sc,) = p
        return [Seg([0, sc, 3 * sc, 8 * sc, 40 * sc])]
    if fam == "LogNormal":
        m, sc = p
        return [Seg([m + k * sc for k in (-40, -6, -2, 0, 2, 6, 40)], lambda u: exp(u), lambda u: exp(u), log)]
    raise ValueError(fam)


def q_points(fam, q):
    """Points (in x) where q's density has a kink or a support boundary."""
    if fam in ("Laplace", "Pareto"):
        return [q[0]]
    if fam == "Uniform":
        return [q[0], q[1]]
    return []


def kl_quad(pf, pp, qf, qp, shift):
    lp, lq = LOGPDF[pf], LOGPDF[qf]
    total = mpf(0)
    for seg in p_segments(pf, pp, qf, qp):
        upts = list(seg.upts)
        lo, hi = upts[0], upts[-1]
        for x in q_points(qf, qp):
            try:
                u = seg.umap(x)
                if lo < u < hi:
                    upts.append(u)
            except (ValueError, ZeroDivisionError, TypeError):
                continue  # x is not in this piece (complex or undefined u)
        upts = sorted(set(upts), key=float)
        if shift:
            # A different set of cut points: split every finite piece at 1/3.
            extra = [a + (b - a) / 3 for a, b in zip(upts, upts[1:]) if a != -inf and b != inf]
            upts = sorted(set(upts + extra), key=float)

        def f(u, seg=seg):
            x, xc = seg.xmap(u), seg.xcmap(u)
            a = lp(x, pp, xc)
            return exp(a) * (a - lq(x, qp, xc)) * seg.dxdu(u)

        total += quad(f, upts, maxdegree=10)
    return total


def reference(pf, pp, qf, qp):
    pp = [mpf(v) for v in pp]
    qp = [mpf(v) for v in qp]
    v1 = kl_quad(pf, pp, qf, qp, False)
    v2 = kl_quad(pf, pp, qf, qp, True)
    if not (fabs(v1 - v2) <= max(mpf(10) ** -25 * fabs(v1), mpf(10) ** -30)):
        sys.exit("quadrature disagrees for KL(%s%s || %s%s): %s vs %s" % (pf, pp, qf, qp, v1, v2))
    return v1


def near(x, rel):
    """x perturbed by a relative rel in float64."""
    return float(x) * (1 + rel)


# Ordinary parameter sets per pair, and near-overlap sets (KL ~ 1e-12).
CASES = {
    ("Beta", "Exponential"): [([2.5, 3.5], [1.7]), ([0.5, 0.5], [0.3]), ([1.0, 40.0], [35.0]), ([30.0, 40.0], [2.0]), ([120.0, 80.0], [1.6])],
    ("Beta", "Gamma"): [([2.5, 3.5], [2.0, 4.0]), ([0.5, 0.7], [0.6, 1.2]), ([1.2, 8.0], [1.5, 9.0]), ([30.0, 40.0], [60.0, 130.0]), ([120.0, 80.0], [0.9, 1.3])],
    ("Beta", "Normal"): [([2.5, 3.5], [0.4, 0.3]), ([0.5, 0.5], [-1.0, 2.0]), ([30.0, 40.0], [0.43, 0.06]), ([120.0, 80.0], [0.6, 0.0346]), ([1.0, 1.0], [0.5, 0.2886])],
    ("Beta", "Uniform"): [([2.5, 3.5], [0.0, 1.0]), ([0.5, 0.5], [-1.0, 2.0]), ([30.0, 40.0], [-0.25, 1.5]), ([1.0, 1.0], [0.0, 1.5])],
    ("Beta", "Laplace"): [([2.5, 3.5], [0.4, 0.3]), ([0.5, 0.5], [0.7, 2.0]), ([30.0, 40.0], [0.43, 0.05]), ([1.2, 7.0], [-0.3, 0.4]), ([4.0, 2.0], [1.5, 1.0]), ([0.7, 3.0], [0.05, 0.1])],
    ("Beta", "Chi2"): [([2.5, 3.5], [1.5]), ([30.0, 40.0], [3.0])],
    ("Exponential", "Gamma"): [([1.5], [2.5, 3.0]), ([0.2], [0.5, 0.05])],
    ("Exponential", "Gumbel"): [([1.5], [0.5, 1.0]), ([0.2], [-3.0, 2.0]), ([4.0], [0.3, 0.2]), ([1.0], [5.0, 0.5])],
    ("Exponential", "Normal"): [([1.5], [0.5, 1.0]), ([0.2], [-3.0, 10.0]), ([4.0], [0.25, 0.25])],
    ("Exponential", "Laplace"): [([1.5], [0.5, 1.0]), ([0.2], [-3.0, 10.0]), ([4.0], [0.17, 0.25]), ([1.0], [6.0, 3.0]), ([2.0], [0.0, 0.5])],
    ("Exponential", "Weibull"): [([1.5], [0.5, 1.7]), ([0.2], [3.0, 0.6]), ([4.0], [0.3, 2.5])],
    ("Exponential", "HalfNormal"): [([1.5], [0.9]), ([0.2], [10.0])],
    ("Exponential", "Chi2"): [([1.5], [2.5]), ([0.3], [7.0])],
    ("Gamma", "Exponential"): [([2.5, 3.0], [1.5]), ([0.4, 0.5], [0.3])],
    ("Gamma", "Gumbel"): [([2.5, 3.0], [0.5, 0.6]), ([0.4, 0.5], [-1.0, 2.0]), ([50.0, 5.0], [9.5, 1.2]), ([8.0, 1.0], [12.0, 3.0])],
    ("Gamma", "Normal"): [([2.5, 3.0], [0.8, 0.6]), ([0.4, 0.5], [-1.0, 2.0]), ([50.0, 5.0], [10.0, 1.4142]), ([150.0, 0.5], [305.0, 24.0]), ([1000.0, 1.0], [1000.0, 31.6])],
    ("Gamma", "Laplace"): [([2.5, 3.0], [0.8, 0.6]), ([0.4, 0.5], [-1.0, 2.0]), ([0.4, 0.5], [0.3, 0.5]), ([50.0, 5.0], [10.0, 1.2]), ([3.0, 2.0], [6.0, 1.0]), ([1.0, 1.0], [0.7, 1.0])],
    ("Chi2", "Exponential"): [([3.0], [0.4])],
    ("Chi2", "Gumbel"): [([3.0], [2.0, 1.5])],
    ("Chi2", "Normal"): [([3.0], [3.0, 2.5]), ([40.0], [41.0, 9.0])],
    ("Chi2", "Laplace"): [([3.0], [2.0, 2.0])],
    ("Gumbel", "Normal"): [([0.5, 1.5], [1.0, 2.0]), ([-3.0, 0.2], [-2.9, 0.25]), ([10.0, 4.0], [0.0, 1.0])],
    ("Laplace", "Normal"): [([0.5, 1.5], [1.0, 2.0]), ([-3.0, 0.2], [-2.9, 0.28]), ([10.0, 4.0], [0.0, 1.0])],
    ("Laplace", "Gumbel"): [([0.5, 0.5], [1.0, 2.0]), ([-3.0, 0.2], [-2.9, 0.3]), ([10.0, 0.9], [0.0, 1.0])],
    ("Normal", "Gumbel"): [([0.5, 1.5], [1.0, 2.0]), ([-3.0, 0.2], [-2.9, 0.25]), ([10.0, 4.0], [0.0, 5.0])],
    ("Normal", "Laplace"): [([0.5, 1.5], [1.0, 2.0]), ([-3.0, 0.2], [-2.9, 0.17]), ([10.0, 4.0], [0.0, 5.0]), ([1.0, 1.0], [1.0, 0.8])],
    ("Pareto", "Exponential"): [([1.5, 3.0], [0.5]), ([0.2, 1.3], [2.0]), ([2.0, 40.0], [0.5])],
    ("Pareto", "Gamma"): [([1.5, 3.0], [2.0, 0.9]), ([0.2, 1.3], [0.6, 2.0]), ([2.0, 40.0], [30.0, 14.0])],
    ("Pareto", "Normal"): [([1.5, 3.0], [2.0, 1.0]), ([0.2, 2.5], [0.5, 0.5]), ([2.0, 40.0], [2.05, 0.06])],
    ("Pareto", "Laplace"): [([1.5, 3.0], [2.0, 1.0]), ([0.2, 1.3], [0.1, 0.5]), ([2.0, 40.0], [2.04, 0.05]), ([1.0, 2.0], [5.0, 3.0])],
    ("Pareto", "Chi2"): [([1.5, 3.0], [4.0])],
    ("Uniform", "Beta"): [([0.2, 0.7], [2.5, 3.5]), ([0.0, 1.0], [0.5, 0.7]), ([0.0, 0.4], [2.0, 0.3]), ([0.6, 1.0], [0.4, 3.0]), ([0.3, 0.31], [30.0, 40.0])],
    ("Uniform", "Exponential"): [([0.2, 0.7], [2.5]), ([0.0, 3.0], [0.4]), ([5.0, 5.5], [1.0])],
    ("Uniform", "Gamma"): [([0.2, 0.7], [2.5, 3.5]), ([0.0, 3.0], [0.4, 0.2]), ([0.0, 3.0], [2.5, 1.0]), ([5.0, 5.5], [20.0, 4.0])],
    ("Uniform", "Gumbel"): [([0.2, 0.7], [0.5, 0.3]), ([-3.0, 3.0], [0.0, 2.0]), ([5.0, 5.001], [4.0, 1.0]), ([-2.0, 8.0], [1.0, 10.0])],
    ("Uniform", "Normal"): [([0.2, 0.7], [0.5, 0.3]), ([-3.0, 3.0], [1.0, 2.0]), ([5.0, 5.001], [4.0, 1.0])],
    ("Uniform", "Pareto"): [([1.2, 3.7], [1.0, 2.5]), ([1.0, 1.001], [1.0, 3.0]), ([2.0, 50.0], [1.5, 0.7]), ([1.0, 2.0], [1.0, 1.0])],
    ("Uniform", "Laplace"): [([0.2, 0.7], [0.5, 0.3]), ([-3.0, 3.0], [5.0, 2.0]), ([-3.0, 3.0], [-4.0, 2.0]), ([5.0, 5.001], [5.0005, 0.001])],
    ("Uniform", "Chi2"): [([0.2, 0.7], [3.0])],
    ("Weibull", "Gamma"): [([1.5, 2.0], [2.5, 1.5]), ([0.7, 0.6], [0.5, 0.4]), ([2.0, 3.6], [8.0, 4.3]), ([1.0, 1.3], [1.6, 1.7]), ([3.0, 0.9], [30.0, 7.0])],
    ("Weibull", "Exponential"): [([1.5, 2.0], [0.6]), ([0.7, 0.6], [1.2])],
    ("Weibull", "Chi2"): [([1.5, 2.0], [2.5])],
    ("HalfNormal", "Exponential"): [([1.5], [0.6]), ([0.2], [10.0])],
    ("HalfNormal", "Gamma"): [([1.5], [2.0, 1.2]), ([0.2], [0.6, 3.0])],
    ("HalfNormal", "Chi2"): [([1.5], [1.5])],
    ("LogNormal", "Exponential"): [([0.3, 0.5], [0.6]), ([-1.0, 1.2], [0.8])],
    ("LogNormal", "Gamma"): [([0.3, 0.5], [4.0, 2.5]), ([-1.0, 1.2], [0.7, 1.1]), ([2.0, 0.1], [90.0, 12.0])],
    ("LogNormal", "Chi2"): [([0.3, 0.5], [3.0])],
    ("Beta", "ContinuousBernoulli"): [([2.5, 3.5], [0.3]), ([0.5, 0.5], [0.7]), ([30.0, 40.0], [0.45]), ([1.0, 1.0], [0.2]), ([0.8, 9.0], [0.001])],
    ("ContinuousBernoulli", "Exponential"): [([0.3], [1.5]), ([0.5], [2.0]), ([0.9], [0.3]), ([0.01], [50.0]), ([1e-6], [1e5]), ([0.1], [3.0])],
    ("ContinuousBernoulli", "Normal"): [([0.3], [0.4, 0.3]), ([0.5], [0.5, 0.2887]), ([0.999], [0.9, 0.1]), ([1e-4], [0.0, 0.05])],
    ("ContinuousBernoulli", "Uniform"): [([0.3], [0.0, 1.0]), ([0.5], [-1.0, 2.0]), ([0.99], [-0.5, 1.0])],
    ("Uniform", "ContinuousBernoulli"): [([0.2, 0.7], [0.3]), ([0.0, 1.0], [0.9]), ([0.0, 0.4], [0.01]), ([0.6, 1.0], [0.5])],
}

# Near-overlap cases: p within a relative 1e-6 of a member of q's family.
NEAR = {
    ("Exponential", "Gamma"): [([1.5], [near(1, 1e-6), near(1.5, -1e-6)])],
    ("Gamma", "Exponential"): [([near(1, -1e-6), 1.5], [near(1.5, 1e-6)])],
    ("Exponential", "Weibull"): [([1.5], [near(1 / 1.5, 1e-6), near(1, -1e-6)]), ([0.25], [4.0, near(1, 1e-6)])],
    ("Weibull", "Exponential"): [([2.0, near(1, 1e-6)], [0.5]), ([near(2, 1e-6), 1.0], [0.5])],
    ("Weibull", "Gamma"): [([2.0, near(1, 1e-6)], [near(1, -1e-6), 0.5]), ([2.0, 1.0], [near(1, 1e-6), near(0.5, 1e-6)])],
    ("Uniform", "Beta"): [([0.0, 1.0], [near(1, 1e-6), near(1, -1e-6)])],
    ("Beta", "Uniform"): [([near(1, 1e-6), near(1, 2e-6)], [0.0, 1.0])],
    ("Chi2", "Exponential"): [([near(2, 1e-6)], [0.5])],
    ("Exponential", "Chi2"): [([0.5], [near(2, -1e-6)])],
    ("Uniform", "ContinuousBernoulli"): [([0.0, 1.0], [near(0.5, 1e-6)])],
    ("Beta", "ContinuousBernoulli"): [([near(1, 1e-6), near(1, -1e-6)], [near(0.5, 2e-7)])],
    ("ContinuousBernoulli", "Uniform"): [([near(0.5, 1e-6)], [0.0, 1.0])],
}


def main():
    out = {"kl": [], "const": {}}
    for near_flag, table in ((False, CASES), (True, NEAR)):
        for (pf, qf), cases in table.items():
            for pp, qp in cases:
                t0 = time.time()
                v = reference(pf, pp, qf, qp)
                print("%-12s %-12s %-28s %-28s %8.2fs %s" % (pf, qf, pp, qp, time.time() - t0, mp.nstr(v, 17)), file=sys.stderr)
                out["kl"].append({"p": pf, "pp": [s(x) for x in pp], "q": qf, "qp": [s(x) for x in qp],
                                  "kl": s(v), "near": near_flag})
    c = out["const"]
    c["negentropy_exp"] = s(log(2 * pi) / 2 - mpf(1) / 2)
    c["negentropy_gumbel"] = s(log(pi ** 3 / 3) / 2 - mpf(1) / 2 - euler)
    c["negentropy_laplace"] = s(log(pi) / 2 - mpf(1) / 2)
    c["negentropy_uniform"] = s(log(pi * exp(1) / 6) / 2)
    c["halfnormal_exp"] = s(mpf(1) / 2 + log(2 / pi))
    c["halfnormal_delta"] = s((euler + log(4 / pi)) / 2)
    with open("dist/testdata/cross_ref.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
