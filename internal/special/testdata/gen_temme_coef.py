#!/usr/bin/python3
"""Coefficients of Temme's uniform asymptotic expansion of Q(a, x).

DLMF 8.12.3-8.12.9:  Q(a, x) = erfc(eta sqrt(a/2))/2 + R(a, eta),
R(a, eta) ~ exp(-a eta^2/2)/sqrt(2 pi a) * sum_k c_k(eta) a^-k, with
lambda = x/a, eta^2/2 = lambda - 1 - log(lambda) (sign of lambda - 1),
c_0 = 1/(lambda-1) - 1/eta and
c_k = (1/eta) d/deta c_{k-1} + (-1)^k g_k/(lambda-1),
g_k the coefficients of Stirling's series Gamma*(a) ~ sum g_k a^-k
(DLMF 5.11.3).

This script computes the Taylor coefficients c_k(eta) = sum_n d[k][n] eta^n
in exact rational arithmetic (Lagrange inversion for lambda(eta)) and
prints them as the Go table temmeCoef of internal/special/gamma_temme.go.

Run: /usr/bin/python3 gen_temme_coef.py > /tmp/table.go.txt
"""
from fractions import Fraction as F
import math

K = 10   # number of c_k
N = 24   # Taylor terms per c_k
M = N + 2 * K + 4  # working order


def mul(a, b, m=M):
    out = [F(0)] * m
    for i, x in enumerate(a[:m]):
        if x == 0:
            continue
        for j, y in enumerate(b[: m - i]):
            out[i + j] += x * y
    return out


def inv(a, m=M):
    # 1/a for a[0] != 0
    out = [F(0)] * m
    out[0] = 1 / a[0]
    for n in range(1, m):
        s = sum(a[j] * out[n - j] for j in range(1, min(n, len(a) - 1) + 1))
        out[n] = -s / a[0]
    return out


def sqrt_series(a, m=M):
    # sqrt(a), a[0] = 1
    out = [F(0)] * m
    out[0] = F(1)
    for n in range(1, m):
        s = a[n] if n < len(a) else F(0)
        s -= sum(out[j] * out[n - j] for j in range(1, n))
        out[n] = s / 2
    return out


def exp_series(a, m=M):
    # exp(a), a[0] = 0; e' = a' e
    out = [F(0)] * m
    out[0] = F(1)
    for n in range(1, m):
        out[n] = sum(j * a[j] * out[n - j] for j in range(1, n + 1)) / n
    return out


# 2(mu - log(1+mu))/mu^2 = sum_{n>=0} 2(-1)^n mu^n/(n+2)
h = [F(2 * (-1) ** n, n + 2) for n in range(M + 2)]
phi_over_mu = sqrt_series(h, M + 2)     # eta = mu * phi_over_mu(mu)
psi = inv(phi_over_mu, M + 2)           # mu/eta as a series in mu
# Lagrange inversion: [eta^n] mu = (1/n) [mu^(n-1)] psi^n
mu = [F(0)] * (M + 1)
p = [F(1)] + [F(0)] * (M + 1)
for n in range(1, M + 1):
    p = mul(p, psi, M + 2)
    mu[n] = p[n - 1] / n
m = mu[1:]                  # mu = eta * m(eta)
assert m[0] == 1 and m[1] == F(1, 3) and m[2] == F(1, 36), m[:3]
minv = inv(m, M)            # 1/m

# Stirling coefficients g_k: Gamma*(z) = exp(sum_j B_2j/(2j(2j-1)) z^(1-2j)).
def bernoulli(n):
    B = [F(0)] * (n + 1)
    B[0] = F(1)
    for k in range(1, n + 1):
        B[k] = -sum(math.comb(k + 1, j) * B[j] for j in range(k)) / (k + 1)
    return B

B = bernoulli(2 * K + 4)
s = [F(0)] * (K + 2)
for j in range(1, K + 2):
    if 2 * j - 1 < K + 2:
        s[2 * j - 1] = B[2 * j] / (2 * j * (2 * j - 1))
g = exp_series(s, K + 2)
assert g[1] == F(1, 12) and g[2] == F(1, 288) and g[3] == F(-139, 51840)

c = []
ck = [minv[i + 1] for i in range(M - 1)]   # c_0 = (1/m - 1)/eta
c.append(ck)
for k in range(1, K):
    d = [(i + 1) * ck[i + 1] for i in range(len(ck) - 1)]
    br = [d[i] + (-1) ** k * g[k] * minv[i] for i in range(len(d))]
    assert br[0] == 0, (k, br[0])
    ck = br[1:]
    c.append(ck)

assert c[0][0] == F(-1, 3) and c[1][0] == F(-1, 540) and c[2][0] == F(25, 6048)

print("var temmeCoef = [%d][%d]float64{" % (K, N))
for k in range(K):
    assert len(c[k]) >= N, (k, len(c[k]))
    print("\t{")
    row = ["%.17g" % float(v) for v in c[k][:N]]
    for i in range(0, N, 4):
        print("\t\t" + ", ".join(row[i:i + 4]) + ",")
    print("\t},")
print("}")
