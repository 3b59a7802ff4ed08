#!/usr/bin/python3
"""High-precision references for internal/special/stirling.go.

Run from the repository root with /usr/bin/python3 (mpmath):

    /usr/bin/python3 internal/special/testdata/gen_stirling.py

It writes internal/special/testdata/stirling_ref.json. Every value is the
direct definition evaluated with mpmath at 60 significant digits (where the
cancellation of the direct forms costs at most a few of those digits), not
the series that the Go code sums. The negentropies are the differences of
the Gaussian entropy ½ log(2πeV) and the closed-form entropy, and each
closed-form entropy is first checked against numerical integration of
-p log p.
"""
import json

from mpmath import mp, mpf, log, loggamma, digamma, pi, e, quad, exp, inf, beta as betafn

mp.dps = 60


def s(x):
    return repr(float(x))


def binet(x):
    return loggamma(x) - (x - mpf(1) / 2) * log(x) + x - log(2 * pi) / 2


def srem(x):
    return log(x) - 1 / (2 * x) - digamma(x)


def gamma_entropy(a):
    return a + loggamma(a) + (1 - a) * digamma(a)


def beta_entropy(a, b):
    t = a + b
    return loggamma(a) + loggamma(b) - loggamma(t) - (a - 1) * digamma(a) - (b - 1) * digamma(b) + (t - 2) * digamma(t)


def check_entropies():
    for a in [mpf("0.7"), mpf("3.5")]:
        f = lambda x: -exp((a - 1) * log(x) - x - loggamma(a)) * ((a - 1) * log(x) - x - loggamma(a))
        h = quad(f, [0, a, 4 * a + 20, inf])
        assert abs(h - gamma_entropy(a)) < mpf(10) ** -30, (a, h, gamma_entropy(a))
    for a, b in [(mpf("0.6"), mpf("2.5")), (mpf(4), mpf(7))]:
        lb = log(betafn(a, b))
        f = lambda x: -exp((a - 1) * log(x) + (b - 1) * log(1 - x) - lb) * ((a - 1) * log(x) + (b - 1) * log(1 - x) - lb)
        h = quad(f, [0, mpf(1) / 2, 1])
        assert abs(h - beta_entropy(a, b)) < mpf(10) ** -25, (a, b, h, beta_entropy(a, b))


def main():
    check_entropies()
    xs = ["1e-300", "1e-10", "0.001", "0.3", "0.5", "0.999", "1", "1.000001", "1.5", "2", "2.75", "4.2",
          "7.5", "9.999999", "10", "10.5", "17", "55.5", "300", "12345.6", "1e8", "3e15"]
    out = {"binet": [], "srem": [], "logmdig": [], "gamma_negentropy": [], "beta_negentropy": []}
    for xs_ in xs:
        x = mpf(float(xs_))
        out["binet"].append({"x": s(x), "v": s(binet(x))})
        out["srem"].append({"x": s(x), "v": s(srem(x))})
        out["logmdig"].append({"x": s(x), "v": s(log(x) - digamma(x))})
        if x > mpf("1e-100"):
            j = log(2 * pi * e * x) / 2 - gamma_entropy(x)
            out["gamma_negentropy"].append({"x": s(x), "v": s(j)})
    pairs = [("0.01", "0.02"), ("0.3", "0.5"), ("0.5", "0.5"), ("1", "1"), ("1", "3"), ("2.5", "3.5"), ("0.7", "40"),
             ("8", "8"), ("9.5", "12"), ("30", "40"), ("100", "100"), ("250", "3"), ("1e4", "2e4"), ("1e6", "1.5")]
    for a_, b_ in pairs:
        a, b = mpf(float(a_)), mpf(float(b_))
        t = a + b
        v = a * b / (t * t * (t + 1))
        j = log(2 * pi * e * v) / 2 - beta_entropy(a, b)
        out["beta_negentropy"].append({"a": s(a), "b": s(b), "v": s(j)})
    # LgammaBregman far apart (b << a), where 1 + (b-a)/a rounds to 0 in
    # float64: D(a, b) = log Γ(b) - log Γ(a) - (b - a) ψ(a).
    out["lgamma_bregman_far"] = []
    for a_, b_ in [("3", "1"), ("1e3", "1"), ("1e10", "2.5"), ("1e16", "1"), ("1e18", "1"), ("4e19", "0.5"), ("1e300", "20")]:
        a, b = mpf(float(a_)), mpf(float(b_))
        mp.dps = 400
        v = loggamma(b) - loggamma(a) - (b - a) * digamma(a)
        mp.dps = 60
        out["lgamma_bregman_far"].append({"a": s(a), "b": s(b), "v": s(v)})
    with open("internal/special/testdata/stirling_ref.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
