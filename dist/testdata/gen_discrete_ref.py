#!/usr/bin/python3
"""Reference values for the discrete KL divergences and Jensen-Shannon
divergences of package dist, computed with mpmath at 60 significant digits.

Run from this directory:  /usr/bin/python3 gen_discrete_ref.py
It writes discrete_ref.json: a list of {"name", "p", "q", "value"} where p
and q are the parameters of the two distributions (float64, read exactly)
and value is the divergence rounded to float64. Parameters per family:
  bernoulli        [probs]
  binomial         [total_count, probs]
  geometric        [probs]            (failures before the first success)
  poisson          [rate]
  negbin           [total_count, probs] (successes before total_count failures)
  categorical      [probs...]          (normalized here)
The Python floats below are IEEE doubles, so the Go tests see the same
inputs.
"""
import json
from mpmath import mp, mpf, log, exp, binomial, gamma, loggamma, factorial

mp.dps = 60


def xlogy(x, y):
    return mpf(0) if x == 0 else x * log(y)


def kl_masses(pm, qm):
    s = mpf(0)
    for p, q in zip(pm, qm):
        if p == 0:
            continue
        s += p * log(p / q)
    return s


def bern(p):
    p = mpf(p)
    return [1 - p, p]


def binom(n, p):
    p = mpf(p)
    return [binomial(n, k) * p**k * (1 - p)**(n - k) for k in range(int(n) + 1)]


def series(mass, stop=mpf(10)**-70):
    """Masses k = 0, 1, ... until they fall below stop past the peak."""
    out, k, peak = [], 0, mpf(0)
    while True:
        m = mass(k)
        out.append(m)
        peak = max(peak, m)
        if k > 20 and m < stop * peak and m < stop:
            return out
        k += 1


def geom(p):
    p = mpf(p)
    return lambda k: p * (1 - p)**k


def poisson(lam):
    lam = mpf(lam)
    return lambda k: exp(-lam) * lam**k / factorial(k)


def negbin(r, p):
    r, p = mpf(r), mpf(p)
    return lambda k: exp(loggamma(k + r) - loggamma(r) - loggamma(k + 1)) * (1 - p)**r * p**k


def kl_series(pm, qm):
    ps = series(pm)
    return kl_masses(ps, [qm(k) for k in range(len(ps))])


def js(pm, qm):
    s = mpf(0)
    for p, q in zip(pm, qm):
        m = (p + q) / 2
        s += (xlogy(p, p / m) if p else 0) + (xlogy(q, q / m) if q else 0)
    return s / 2


def pad(a, n):
    return a + [mpf(0)] * (n - len(a))


refs = []


def add(name, p, q, value):
    refs.append({"name": name, "p": p, "q": q, "value": float(value)})


d = 1e-6
add("bernoulli_ordinary", [0.3], [0.8], kl_masses(bern(0.3), bern(0.8)))
add("bernoulli_near", [0.3 * (1 + d)], [0.3], kl_masses(bern(0.3 * (1 + d)), bern(0.3)))
add("bernoulli_near_high", [0.999 * (1 + d)], [0.999], kl_masses(bern(0.999 * (1 + d)), bern(0.999)))

add("binomial_same_near", [20, 0.4 * (1 + d)], [20, 0.4], kl_masses(binom(20, 0.4 * (1 + d)), binom(20, 0.4)))
add("binomial_smaller_n", [12, 0.35], [15, 0.5], kl_masses(binom(12, 0.35), binom(15, 0.5)[:13]))
add("binomial_smaller_n_same_p", [99, 0.5], [100, 0.5], kl_masses(binom(99, 0.5), binom(100, 0.5)[:100]))

add("geometric_ordinary", [0.3], [0.55], kl_series(geom(0.3), geom(0.55)))
add("geometric_near", [0.2 * (1 + d)], [0.2], kl_series(geom(0.2 * (1 + d)), geom(0.2)))

add("poisson_near", [3.7 * (1 + d)], [3.7], kl_series(poisson(3.7 * (1 + d)), poisson(3.7)))
add("poisson_near_small", [1e-3 * (1 + d)], [1e-3], kl_series(poisson(1e-3 * (1 + d)), poisson(1e-3)))
add("poisson_ordinary", [2.5], [7.25], kl_series(poisson(2.5), poisson(7.25)))

add("negbin_same_r_near", [3.5, 0.6 * (1 + d)], [3.5, 0.6], kl_series(negbin(3.5, 0.6 * (1 + d)), negbin(3.5, 0.6)))
add("negbin_diff_r", [2.5, 0.45], [3.7, 0.6], kl_series(negbin(2.5, 0.45), negbin(3.7, 0.6)))
add("negbin_diff_r_small", [0.3, 0.8], [1.7, 0.3], kl_series(negbin(0.3, 0.8), negbin(1.7, 0.3)))
add("negbin_diff_r_near", [2.5 * (1 + d), 0.45], [2.5, 0.45], kl_series(negbin(2.5 * (1 + d), 0.45), negbin(2.5, 0.45)))

pc = [0.2, 0.3, 0.5]
pn = [0.2 * (1 + d), 0.3, 0.5]
norm = lambda v: [mpf(x) / sum(mpf(y) for y in v) for x in v]
add("categorical_near", pn, pc, kl_masses(norm(pn), norm(pc)))
add("categorical_ordinary", [0.1, 0.6, 0.3], [0.4, 0.4, 0.2], kl_masses(norm([0.1, 0.6, 0.3]), norm([0.4, 0.4, 0.2])))

add("bernoulli_poisson_small", [1e-8], [1.5e-8], kl_masses(bern(1e-8), [poisson(1.5e-8)(0), poisson(1.5e-8)(1)]))

# Jensen-Shannon references.
pp = series(poisson(3.2))
gg = [geom(0.25)(k) for k in range(len(series(geom(0.25))))]
n = max(len(pp), len(gg))
add("js_poisson_geometric", [3.2], [0.25], js(pad(pp, n), pad([geom(0.25)(k) for k in range(n)], n)))
bb = binom(10, 0.3)
pq = [poisson(2.5)(k) for k in range(len(series(poisson(2.5))))]
n = max(len(bb), len(pq))
add("js_binomial_poisson", [10, 0.3], [2.5], js(pad(bb, n), pad(pq, n)))

with open("discrete_ref.json", "w") as f:
    json.dump(refs, f, indent=1)
    f.write("\n")
