#!/usr/bin/python3
"""Reference values for internal/special/bessel.go and vonmises.go.

Run with /usr/bin/python3 (mpmath 1.2): writes bessel_ref.json next to
this script. All values are computed with 50 significant digits by mpmath
(besseli, quad) and rounded to float64 when written.
"""
import json
import os

import mpmath as mp

mp.mp.dps = 50

xs = [0, 1e-300, 1e-12, 1e-6, 1e-3, 0.01, 0.1, 0.5, 1, 1.5, 2, 3, 5, 7.5, 10,
      12, 15, 17.5, 19.9, 20, 20.1, 22, 25, 30, 40, 60, 100, 300, 1e3, 1e4,
      1e5, 1e6, 1e8, 1e12]

bessel = []
for x in xs:
    x = mp.mpf(x)
    i0 = mp.besseli(0, x)
    i1 = mp.besseli(1, x)
    a = i1 / i0
    if x == 0:
        da = mp.mpf(1) / 2
    else:
        da = 1 - a / x - a * a
    bessel.append({
        "x": float(x),
        "i0e": float(i0 * mp.exp(-x)),
        "i1e": float(i1 * mp.exp(-x)),
        "logi0": float(mp.log(i0)),
        "logi0e": float(mp.log(i0) - x),
        "a": float(a),
        "one_minus_a": float(1 - a),
        "da": float(da),
    })

ratios = []
for x in [1e-8, 0.3, 1, 4, 10, 29, 30, 100, 1e4, 1e6]:
    x = mp.mpf(x)
    i0 = mp.besseli(0, x)
    ns = [1, 2, 3, 5, 8, 13, 20, 40, 80]
    ratios.append({"x": float(x), "n": ns,
                   "rho": [float(mp.besseli(n, x) / i0) for n in ns]})


def vm_cdf(k, y):
    """G(y), dG/dk and f(y) for the centred von Mises on [-pi, pi).

    By symmetry the integral runs from |y| to pi (G = that for y <= 0,
    1 - that for y > 0). With u = 2 sqrt(k) sin(t/2),
    f(t) dt = exp(-u^2/2) (1 - u^2/(4k))^(-1/2) du / (2 pi sqrt(k) I0e(k))
    and cos t - A = 1 - A - u^2/(2k); breakpoints in u, spaced so that
    exp(-u^2/2) falls by a constant factor between them, and the
    integration variable is phi = t/2 (no singularity). Two different
    subdivisions must agree to 1e-20.
    """
    k = mp.mpf(k)
    y = mp.mpf(y)
    i0e = mp.besseli(0, k) * mp.exp(-k)
    oma = 1 - mp.besseli(1, k) / mp.besseli(0, k)
    umax = 2 * mp.sqrt(k)
    u0 = umax * abs(mp.sin(y / 2))
    norm = mp.exp(-u0 * u0 / 2) / (2 * mp.pi * mp.sqrt(k) * i0e)

    # In phi = asin(u/umax) = t/2 the Jacobian singularity disappears:
    # exp(-u^2/2) (1 - u^2/(4k))^(-1/2) du = umax exp(-u^2/2) dphi.
    # mpmath's quad works to an absolute tolerance, so the integrand is
    # scaled by exp(u0^2/2) to be O(1) at the lower end.
    def f0(phi):
        u = umax * mp.sin(phi)
        return umax * mp.exp(-(u - u0) * (u + u0) / 2)

    def fk(phi):
        u = umax * mp.sin(phi)
        return (oma - u * u / (2 * k)) * umax * mp.exp(-(u - u0) * (u + u0) / 2)

    def integrals(step):
        # Pieces over which exp(-u^2/2) falls by about e^(-step), up to a
        # total fall of e^(-120); then one piece to the end.
        pts = [mp.asin(u0 / umax)]
        u = u0
        while u < umax and u * u / 2 - u0 * u0 / 2 < 120:
            u = min(umax, u + step / (u + 1))
            pts.append(mp.asin(u / umax))
        if pts[-1] < mp.pi / 2:
            pts.append(mp.pi / 2)
        return mp.quad(f0, pts) * norm, mp.quad(fk, pts) * norm

    g, gk = integrals(2)
    g2, gk2 = integrals(1.5)
    assert abs(g - g2) <= mp.mpf(10) ** -20 * abs(g), (k, y, g, g2)
    assert abs(gk - gk2) <= mp.mpf(10) ** -20 * abs(gk) + mp.mpf(10) ** -45, (k, y, gk, gk2)
    if y > 0:
        g, gk = 1 - g, -gk
    pdf = mp.exp(-2 * k * mp.sin(y / 2) ** 2) / (2 * mp.pi * i0e)
    return float(g), float(gk), float(pdf)


cdf = []
for k in [0, 1e-6, 0.5, 2, 10, 29.9, 30.1, 50, 200, 1e4, 1e6]:
    for y in [-3.1, -2, -1, -0.3, -0.01, 0, 0.02, 0.5, 1.3, 2.5, 3.14]:
        if k >= 200 and abs(y) > 0.5:
            continue  # the tails there are below double precision
        if k > 0:
            g, gk, pdf = vm_cdf(k, y)
        else:
            g, gk, pdf = (y + float(mp.pi)) / (2 * float(mp.pi)), float(mp.sin(y) / (2 * mp.pi)), float(1 / (2 * mp.pi))
        cdf.append({"k": k, "y": y, "cdf": g, "dk": gk, "pdf": pdf})
for k, y in [(1e4, -0.03), (1e4, 0.05), (1e6, -0.003), (1e6, 0.0045)]:
    g, gk, pdf = vm_cdf(k, y)
    cdf.append({"k": k, "y": y, "cdf": g, "dk": gk, "pdf": pdf})

out = {"bessel": bessel, "ratios": ratios, "vonmises_cdf": cdf}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bessel_ref.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
