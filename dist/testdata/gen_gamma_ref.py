#!/usr/bin/python3
"""High-precision references for the gamma-group families and KL pairs
(dist/gamma*.go, chi2.go, inverse_gamma.go, beta.go, dirichlet.go,
studentt.go, kl_gamma.go, kl_beta.go).

Writes gamma_ref.json. Closed forms are evaluated with mpmath at 50
significant digits (loggamma, digamma), so the cancellation near p = q that
float64 formulas suffer is resolved by precision; for ordinary parameters
the closed forms are cross-checked here against mpmath quadrature of
p log(p/q) (and entropies are computed by quadrature of -p log p), so the
references do not rest on the formulas alone. Parameters are float64 values
(perturbed ones rounded to float64 before use) and stored exactly.

Run: /usr/bin/python3 gen_gamma_ref.py (from this directory).
"""
import json
import mpmath as mp

mp.mp.dps = 50
F = mp.mpf


def lg(x):
    return mp.loggamma(x)


def psi(x):
    return mp.digamma(x)


def kl_gamma(a1, b1, a2, b2):
    a1, b1, a2, b2 = map(F, (a1, b1, a2, b2))
    return (a1 - a2) * psi(a1) - lg(a1) + lg(a2) + a2 * (mp.log(b1) - mp.log(b2)) + a1 * (b2 - b1) / b1


def logpdf_gamma(x, a, b):
    return a * mp.log(b) + (a - 1) * mp.log(x) - b * x - lg(a)


def logpdf_invgamma(x, a, b):
    return a * mp.log(b) - (a + 1) * mp.log(x) - b / x - lg(a)


def logpdf_beta(x, a, b):
    return (a - 1) * mp.log(x) + (b - 1) * mp.log1p(-x) - (lg(a) + lg(b) - lg(a + b))


def logpdf_t(x, nu, m, s):
    z = (x - m) / s
    return lg((nu + 1) / 2) - lg(nu / 2) - mp.log(nu * mp.pi) / 2 - mp.log(s) - (nu + 1) / 2 * mp.log1p(z * z / nu)


def quad_kl(lp, lq, lo, hi, mid):
    f = lambda x: mp.exp(lp(x)) * (lp(x) - lq(x))
    return mp.quad(f, [lo] + mid + [hi])


def quad_entropy(lp, lo, hi, mid):
    return -mp.quad(lambda x: mp.exp(lp(x)) * lp(x), [lo] + mid + [hi])


def kl_beta(a1, b1, a2, b2):
    a1, b1, a2, b2 = map(F, (a1, b1, a2, b2))
    lb = lambda a, b: lg(a) + lg(b) - lg(a + b)
    return lb(a2, b2) - lb(a1, b1) + (a1 - a2) * psi(a1) + (b1 - b2) * psi(b1) + (a2 - a1 + b2 - b1) * psi(a1 + b1)


def kl_dirichlet(al, be):
    al, be = [F(x) for x in al], [F(x) for x in be]
    a0, b0 = sum(al), sum(be)
    s = lg(a0) - lg(b0)
    for a, b in zip(al, be):
        s += lg(b) - lg(a) + (a - b) * (psi(a) - psi(a0))
    return s


def f64(x):
    return float(x)


def perturbations(ps):
    """Each parameter in turn times (1 + 1e-6) and (1 - 1e-6), in float64."""
    out = []
    for i in range(len(ps)):
        for e in (1e-6, -1e-6):
            q = list(ps)
            q[i] = ps[i] * (1 + e)
            out.append(q)
    return out


ref = {}

# Gamma || Gamma: ordinary parameters (checked by quadrature) and near p = q.
kg = []
for p, q in [((2.0, 3.0), (4.0, 1.5)), ((0.5, 1.0), (1.5, 2.0)), ((7.5, 0.3), (3.2, 0.11)),
             ((0.05, 2.0), (0.3, 0.7)), ((150.0, 10.0), (140.0, 9.0)), ((1.0, 1.0), (1.0, 2.5))]:
    v = kl_gamma(*p, *q)
    if p[0] >= 0.5:
        lp = lambda x: logpdf_gamma(x, F(p[0]), F(p[1]))
        lq = lambda x: logpdf_gamma(x, F(q[0]), F(q[1]))
        m = F(p[0]) / F(p[1])
        w = quad_kl(lp, lq, 0, mp.inf, [m / 4, m, 4 * m])
        assert abs(w - v) < mp.mpf(10) ** -25 * abs(v), (p, q, v, w)
    kg.append({"p": list(p), "q": list(q), "kl": f64(v), "near": False})
for base in [(2.0, 3.0), (0.01, 0.5), (40.0, 7.0), (1e4, 3e3)]:
    for pert in perturbations(list(base)):
        p = pert
        q = list(base)
        kg.append({"p": p, "q": q, "kl": f64(kl_gamma(*p, *q)), "near": True})
        kg.append({"p": q, "q": p, "kl": f64(kl_gamma(*q, *p)), "near": True})
ref["kl_gamma"] = kg

# InverseGamma || InverseGamma by quadrature of the inverse-gamma densities
# (independent of the identity KL_IG = KL_Gamma used in the code).
kig = []
for p, q in [((3.0, 2.0), (2.0, 1.0)), ((1.5, 0.5), (4.0, 3.0)), ((6.0, 10.0), (6.5, 9.0))]:
    lp = lambda x: logpdf_invgamma(x, F(p[0]), F(p[1]))
    lq = lambda x: logpdf_invgamma(x, F(q[0]), F(q[1]))
    m = F(p[1]) / (F(p[0]) + 1)  # mode
    w = quad_kl(lp, lq, 0, mp.inf, [m / 4, m, 4 * m, 40 * m])
    kig.append({"p": list(p), "q": list(q), "kl": f64(w)})
ref["kl_inverse_gamma"] = kig

# Chi2 pairs through Gamma(k/2, 1/2).
ref["kl_chi2"] = [{"p": k1, "q": k2, "kl": f64(kl_gamma(F(k1) / 2, F(0.5), F(k2) / 2, F(0.5)))}
                  for k1, k2 in [(3.0, 5.0), (0.5, 2.0), (10.0, 10.0 * (1 + 1e-6)), (40.0, 7.0)]]
ref["kl_chi2_gamma"] = [{"k": k, "q": list(q), "kl": f64(kl_gamma(F(k) / 2, F(0.5), F(q[0]), F(q[1])))}
                        for k, q in [(3.0, (2.0, 0.4)), (6.0, (3.0, 0.5)), (0.8, (0.3, 1.7))]]
ref["kl_gamma_chi2"] = [{"p": list(p), "k": k, "kl": f64(kl_gamma(F(p[0]), F(p[1]), F(k) / 2, F(0.5)))}
                        for p, k in [((2.0, 0.4), 3.0), ((3.0, 0.5), 6.0), ((0.3, 1.7), 0.8)]]

# Beta || Beta.
kb = []
for p, q in [((2.0, 3.0), (4.0, 1.5)), ((0.5, 0.5), (1.0, 1.0)), ((7.5, 0.3), (3.2, 2.1)),
             ((1.2, 30.0), (0.9, 25.0))]:
    v = kl_beta(*p, *q)
    if min(p) >= 0.5:
        lp = lambda x: logpdf_beta(x, F(p[0]), F(p[1]))
        lq = lambda x: logpdf_beta(x, F(q[0]), F(q[1]))
        w = quad_kl(lp, lq, 0, 1, [F(1) / 2])
        assert abs(w - v) < mp.mpf(10) ** -20 * abs(v), (p, q, v, w)
    kb.append({"p": list(p), "q": list(q), "kl": f64(v), "near": False})
for base in [(2.0, 3.0), (0.02, 0.5), (50.0, 400.0)]:
    for pert in perturbations(list(base)):
        kb.append({"p": pert, "q": list(base), "kl": f64(kl_beta(*pert, *base)), "near": True})
ref["kl_beta"] = kb

# Dirichlet || Dirichlet.
kd = []
for p, q in [((1.0, 2.0, 3.0), (2.0, 2.0, 2.0)), ((0.3, 0.5, 4.0, 1.0), (1.0, 0.2, 2.0, 5.0)),
             ((20.0, 30.0), (25.0, 10.0))]:
    kd.append({"p": list(p), "q": list(q), "kl": f64(kl_dirichlet(p, q)), "near": False})
for base in [(1.0, 2.0, 3.0), (0.05, 0.5, 12.0, 300.0)]:
    for pert in perturbations(list(base)):
        kd.append({"p": pert, "q": list(base), "kl": f64(kl_dirichlet(pert, base)), "near": True})
ref["kl_dirichlet"] = kd

# Entropies by quadrature of -p log p (Dirichlet: closed form, Dirichlet
# integrals over the simplex being out of reach of 1-D quadrature).
ent = {}
ent["gamma"] = []
for a, b in [(0.5, 1.0), (2.0, 3.0), (7.5, 0.3)]:
    m = F(a) / F(b)
    h = quad_entropy(lambda x: logpdf_gamma(x, F(a), F(b)), 0, mp.inf, [m / 4, m, 4 * m])
    ent["gamma"].append([a, b, f64(h)])
ent["inverse_gamma"] = []
for a, b in [(0.5, 1.0), (3.0, 2.0), (10.0, 4.0)]:
    m = F(b) / (F(a) + 1)
    h = quad_entropy(lambda x: logpdf_invgamma(x, F(a), F(b)), 0, mp.inf, [m / 4, m, 4 * m, 40 * m])
    ent["inverse_gamma"].append([a, b, f64(h)])
ent["studentt"] = []
for nu, m, s in [(1.0, 0.0, 1.0), (3.5, -2.0, 0.7), (30.0, 1.0, 4.0), (1e6, 0.5, 2.0)]:
    h = quad_entropy(lambda x: logpdf_t(x, F(nu), F(m), F(s)), -mp.inf, mp.inf, [F(m)])
    ent["studentt"].append([nu, m, s, f64(h)])
ent["dirichlet"] = []
for al in [(1.0, 2.0, 3.0), (0.3, 0.5, 4.0, 1.0), (50.0, 0.1)]:
    al_ = [F(x) for x in al]
    a0, k = sum(al_), len(al_)
    h = sum(lg(x) for x in al_) - lg(a0) + (a0 - k) * psi(a0) - sum((x - 1) * psi(x) for x in al_)
    ent["dirichlet"].append({"alpha": list(al), "h": f64(h)})
ref["entropy"] = ent

# Student t log-density and its df derivative for large df, where
# differences of log-gamma and digamma values cancel in float64.
tl = []
for nu in [1e4, 1e6, 1e9]:
    for x in [0.3, 2.5, 40.0]:
        nu_, x_ = F(nu), F(x)
        lp = logpdf_t(x_, nu_, F(0), F(1))
        dnu = mp.diff(lambda v: logpdf_t(x_, v, F(0), F(1)), nu_)
        tl.append({"nu": nu, "x": x, "logpdf": f64(lp), "dnu": f64(dnu)})
ref["studentt_large_df"] = tl

# Log-densities of Gamma, InverseGamma and Chi2 for large shapes, where
# a log x - log Gamma(a) cancels in float64.
lc = []
for a, b in [(1e5, 3.0), (1e8, 0.5)]:
    for r in [0.99, 1.0, 1.003]:
        x = r * a / b
        lc.append({"family": "gamma", "a": a, "b": b, "x": x, "logpdf": f64(logpdf_gamma(F(x), F(a), F(b)))})
        w = b / ((a + 1) * r)
        lc.append({"family": "inverse_gamma", "a": a, "b": b, "x": w, "logpdf": f64(logpdf_invgamma(F(w), F(a), F(b)))})
for k in [2e5, 3e9]:
    for r in [0.995, 1.0, 1.01]:
        x = r * k
        lc.append({"family": "chi2", "a": k, "b": 0.0, "x": x, "logpdf": f64(logpdf_gamma(F(x), F(k) / 2, F(0.5)))})
ref["large_shape_logpdf"] = lc

with open("gamma_ref.json", "w") as f:
    json.dump(ref, f, indent=1)
