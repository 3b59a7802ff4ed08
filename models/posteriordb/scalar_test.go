package posteriordb

// Independent scalar implementations of the ten log-densities, written
// from each data/<name>/README.md in plain float64 Go (loops, math, gonum
// distuv log-densities, gonum's Cholesky), with their own JSON parsing of
// data.json. Each returns the log joint over unconstrained z (with the
// log-Jacobian) and the reported parameters by reference name.

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

// scalarModel returns log p(z) (with the log-Jacobian) and the reported
// parameters at one unconstrained point.
type scalarModel func(z []float64) (lp float64, params map[string]float64)

func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("data", name, "data.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, v))
}

func lnorm(x, mu, sigma float64) float64 {
	return distuv.Normal{Mu: mu, Sigma: sigma}.LogProb(x)
}

// lhalfCauchy is the Cauchy(0, s) restricted to x > 0: 2 times the density.
func lhalfCauchy(x, s float64) float64 {
	return math.Ln2 + distuv.StudentsT{Mu: 0, Sigma: s, Nu: 1}.LogProb(x)
}

func lhalfNormal(x, s float64) float64 { return math.Ln2 + lnorm(x, 0, s) }

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func vecName(name string, j int) string { return fmt.Sprintf("%s[%d]", name, j) }

// scalarModels returns the scalar implementation of every posterior.
func scalarModels(t testing.TB) map[string]scalarModel {
	out := map[string]scalarModel{}

	var es struct {
		J     int       `json:"J"`
		Y     []float64 `json:"y"`
		Sigma []float64 `json:"sigma"`
	}
	readJSON(t, "eight_schools-eight_schools_noncentered", &es)
	eight := func(centered bool) scalarModel {
		return func(z []float64) (float64, map[string]float64) {
			J := es.J
			mu, tau := z[J], math.Exp(z[J+1])
			lp := lnorm(mu, 0, 5) + lhalfCauchy(tau, 5) + z[J+1]
			params := map[string]float64{"mu": mu, "tau": tau}
			for j := 0; j < J; j++ {
				var theta float64
				if centered {
					theta = z[j]
					lp += lnorm(theta, mu, tau)
				} else {
					theta = mu + tau*z[j]
					lp += lnorm(z[j], 0, 1)
				}
				lp += lnorm(es.Y[j], theta, es.Sigma[j])
				params[vecName("theta", j+1)] = theta
			}
			return lp, params
		}
	}
	out["eight_schools-eight_schools_noncentered"] = eight(false)
	out["eight_schools-eight_schools_centered"] = eight(true)

	var kil struct {
		N                                  int       `json:"N"`
		X                                  []float64 `json:"x"`
		Y                                  []float64 `json:"y"`
		PMuAlpha, PSAlpha, PMuBeta, PSBeta float64
	}
	readJSON(t, "kilpisjarvi_mod-kilpisjarvi", &kil)
	out["kilpisjarvi_mod-kilpisjarvi"] = func(z []float64) (float64, map[string]float64) {
		alpha, beta, sigma := z[0], z[1], math.Exp(z[2])
		lp := lnorm(alpha, kil.PMuAlpha, kil.PSAlpha) + lnorm(beta, kil.PMuBeta, kil.PSBeta) + z[2]
		for n := 0; n < kil.N; n++ {
			lp += lnorm(kil.Y[n], alpha+beta*kil.X[n], sigma)
		}
		return lp, map[string]float64{"alpha": alpha, "beta": beta, "sigma": sigma}
	}

	var earn struct {
		N      int       `json:"N"`
		Earn   []float64 `json:"earn"`
		Height []float64 `json:"height"`
		Male   []float64 `json:"male"`
	}
	readJSON(t, "earnings-logearn_interaction", &earn)
	out["earnings-logearn_interaction"] = func(z []float64) (float64, map[string]float64) {
		b := z[:4]
		sigma := math.Exp(z[4])
		lp := z[4]
		for n := 0; n < earn.N; n++ {
			h, m := earn.Height[n], earn.Male[n]
			lp += lnorm(math.Log(earn.Earn[n]), b[0]+b[1]*h+b[2]*m+b[3]*h*m, sigma)
		}
		params := map[string]float64{"sigma": sigma}
		for k := range 4 {
			params[vecName("beta", k+1)] = b[k]
		}
		return lp, params
	}

	var blr struct {
		N int         `json:"N"`
		D int         `json:"D"`
		X [][]float64 `json:"X"`
		Y []float64   `json:"y"`
	}
	readJSON(t, "sblrc-blr", &blr)
	out["sblrc-blr"] = func(z []float64) (float64, map[string]float64) {
		b := z[:blr.D]
		sigma := math.Exp(z[blr.D])
		lp := lhalfNormal(sigma, 10) + z[blr.D]
		params := map[string]float64{"sigma": sigma}
		for d := 0; d < blr.D; d++ {
			lp += lnorm(b[d], 0, 10)
			params[vecName("beta", d+1)] = b[d]
		}
		for n := 0; n < blr.N; n++ {
			var m float64
			for d := 0; d < blr.D; d++ {
				m += blr.X[n][d] * b[d]
			}
			lp += lnorm(blr.Y[n], m, sigma)
		}
		return lp, params
	}

	var ark struct {
		K int       `json:"K"`
		T int       `json:"T"`
		Y []float64 `json:"y"`
	}
	readJSON(t, "arK-arK", &ark)
	out["arK-arK"] = func(z []float64) (float64, map[string]float64) {
		K := ark.K
		alpha, beta, sigma := z[0], z[1:K+1], math.Exp(z[K+1])
		lp := lnorm(alpha, 0, 10) + lhalfCauchy(sigma, 2.5) + z[K+1]
		params := map[string]float64{"alpha": alpha, "sigma": sigma}
		for k := 0; k < K; k++ {
			lp += lnorm(beta[k], 0, 10)
			params[vecName("beta", k+1)] = beta[k]
		}
		// Stan's t = K+1..T, 1-based.
		for t := K + 1; t <= ark.T; t++ {
			mu := alpha
			for k := 1; k <= K; k++ {
				mu += beta[k-1] * ark.Y[t-k-1]
			}
			lp += lnorm(ark.Y[t-1], mu, sigma)
		}
		return lp, params
	}

	var ga struct {
		T      int       `json:"T"`
		Y      []float64 `json:"y"`
		Sigma1 float64   `json:"sigma1"`
	}
	readJSON(t, "garch-garch11", &ga)
	out["garch-garch11"] = func(z []float64) (float64, map[string]float64) {
		mu, alpha0, alpha1 := z[0], math.Exp(z[1]), logistic(z[2])
		lc := logistic(z[3])
		beta1 := (1 - alpha1) * lc
		lp := z[1] + math.Log(alpha1*(1-alpha1)) + math.Log(1-alpha1) + math.Log(lc*(1-lc))
		sigma := make([]float64, ga.T)
		sigma[0] = ga.Sigma1
		for t := 1; t < ga.T; t++ {
			e := ga.Y[t-1] - mu
			sigma[t] = math.Sqrt(alpha0 + alpha1*e*e + beta1*sigma[t-1]*sigma[t-1])
		}
		for t := 0; t < ga.T; t++ {
			lp += lnorm(ga.Y[t], mu, sigma[t])
		}
		return lp, map[string]float64{"mu": mu, "alpha0": alpha0, "alpha1": alpha1, "beta1": beta1}
	}

	var mix struct {
		N int       `json:"N"`
		Y []float64 `json:"y"`
	}
	readJSON(t, "low_dim_gauss_mix-low_dim_gauss_mix", &mix)
	out["low_dim_gauss_mix-low_dim_gauss_mix"] = func(z []float64) (float64, map[string]float64) {
		mu1 := z[0]
		mu2 := z[0] + math.Exp(z[1])
		s1, s2 := math.Exp(z[2]), math.Exp(z[3])
		theta := logistic(z[4])
		lp := z[1] + z[2] + z[3] + math.Log(theta*(1-theta))
		lp += lnorm(mu1, 0, 2) + lnorm(mu2, 0, 2) + lhalfNormal(s1, 2) + lhalfNormal(s2, 2)
		lp += distuv.Beta{Alpha: 5, Beta: 5}.LogProb(theta)
		for _, y := range mix.Y {
			a := math.Log(theta) + lnorm(y, mu1, s1)
			b := math.Log(1-theta) + lnorm(y, mu2, s2)
			m := math.Max(a, b)
			lp += m + math.Log(math.Exp(a-m)+math.Exp(b-m))
		}
		return lp, map[string]float64{"mu[1]": mu1, "mu[2]": mu2, "sigma[1]": s1, "sigma[2]": s2, "theta": theta}
	}

	var hm struct {
		N int       `json:"N"`
		K int       `json:"K"`
		Y []float64 `json:"y"`
	}
	readJSON(t, "hmm_example-hmm_example", &hm)
	out["hmm_example-hmm_example"] = func(z []float64) (float64, map[string]float64) {
		t1, t2 := logistic(z[0]), logistic(z[1])
		mu1 := math.Exp(z[2])
		mu2 := mu1 + math.Exp(z[3])
		P := [2][2]float64{{t1, 1 - t1}, {t2, 1 - t2}}
		mu := [2]float64{mu1, mu2}
		lp := math.Log(t1*(1-t1)) + math.Log(t2*(1-t2)) + z[2] + z[3]
		lp += lnorm(mu1, 3, 1) + lnorm(mu2, 10, 1)
		// Scaled forward algorithm in probability space (Rabiner 1989,
		// §V.A), uniform initial distribution.
		var a [2]float64
		for k := range 2 {
			a[k] = 0.5 * math.Exp(lnorm(hm.Y[0], mu[k], 1))
		}
		for t := 0; t < hm.N; t++ {
			if t > 0 {
				var b [2]float64
				for k := range 2 {
					for j := range 2 {
						b[k] += a[j] * P[j][k]
					}
					b[k] *= math.Exp(lnorm(hm.Y[t], mu[k], 1))
				}
				a = b
			}
			c := a[0] + a[1]
			lp += math.Log(c)
			a[0] /= c
			a[1] /= c
		}
		return lp, map[string]float64{"theta1[1]": t1, "theta1[2]": 1 - t1, "theta2[1]": t2, "theta2[2]": 1 - t2, "mu[1]": mu1, "mu[2]": mu2}
	}

	var gp struct {
		N int       `json:"N"`
		X []float64 `json:"x"`
		K []float64 `json:"k"`
	}
	readJSON(t, "gp_pois_regr-gp_pois_regr", &gp)
	out["gp_pois_regr-gp_pois_regr"] = func(z []float64) (float64, map[string]float64) {
		N := gp.N
		rho, alpha := math.Exp(z[0]), math.Exp(z[1])
		ft := z[2:]
		lp := z[0] + z[1] + distuv.Gamma{Alpha: 25, Beta: 4}.LogProb(rho) + lhalfNormal(alpha, 2)
		L := choleskyLoops(gpCov(gp.X, rho, alpha))
		if L == nil {
			return math.NaN(), nil
		}
		params := map[string]float64{"rho": rho, "alpha": alpha}
		for i := 0; i < N; i++ {
			lp += lnorm(ft[i], 0, 1)
			var f float64
			for j := 0; j <= i; j++ {
				f += L[i][j] * ft[j]
			}
			params[vecName("f", i+1)] = f
			lp += distuv.Poisson{Lambda: math.Exp(f)}.LogProb(gp.K[i])
		}
		return lp, params
	}
	return out
}

// gpCov returns α² exp(-(x_i - x_j)²/(2ρ²)) + 1e-10 [i = j].
func gpCov(x []float64, rho, alpha float64) [][]float64 {
	n := len(x)
	c := make([][]float64, n)
	for i := range c {
		c[i] = make([]float64, n)
		for j := range c[i] {
			d := x[i] - x[j]
			c[i][j] = alpha * alpha * math.Exp(-d*d/(2*rho*rho))
		}
		c[i][i] += 1e-10
	}
	return c
}

// choleskyLoops is the textbook Cholesky–Banachiewicz factorization
// (Golub and Van Loan, Algorithm 4.2.1 by rows), nil if a pivot is not
// positive. The GP's covariance has a condition number of about 1e11 (the
// 1e-10 jitter against α² ~ 9), so factors from algorithms that round
// differently (gonum's blocked LAPACK Cholesky) differ by ~1e-11 relative
// in f; the element order here is the one of the textbook algorithm.
func choleskyLoops(c [][]float64) [][]float64 {
	n := len(c)
	l := make([][]float64, n)
	for i := range l {
		l[i] = make([]float64, n)
		for j := 0; j <= i; j++ {
			s := c[i][j]
			for k := 0; k < j; k++ {
				s -= l[i][k] * l[j][k]
			}
			if i == j {
				if !(s > 0) {
					return nil
				}
				l[i][i] = math.Sqrt(s)
			} else {
				l[i][j] = s / l[j][j]
			}
		}
	}
	return l
}
