package main

import (
	"io"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"

	"github.com/kldiv/kldiv/internal/examplekit"
)

// gmm is a 2-D Gaussian mixture built on gonum's distmv.Normal, so that the
// test's densities do not share code with the example's examplekit.Mix2.
type gmm struct {
	w    []float64
	comp []*distmv.Normal
	mean [][]float64
	chol []*mat.TriDense // lower Cholesky factor of each covariance
}

func newGMM(t *testing.T, w, means, covs []float64) gmm {
	t.Helper()
	var g gmm
	for c := range w {
		m := []float64{means[2*c], means[2*c+1]}
		s := mat.NewSymDense(2, []float64{covs[3*c], covs[3*c+1], covs[3*c+1], covs[3*c+2]})
		n, ok := distmv.NewNormal(m, s, nil)
		require.True(t, ok, "component %d covariance %v is positive definite", c, s)
		var ch mat.Cholesky
		require.True(t, ch.Factorize(s))
		var l mat.TriDense
		ch.LTo(&l)
		g.w = append(g.w, w[c])
		g.comp = append(g.comp, n)
		g.mean = append(g.mean, m)
		g.chol = append(g.chol, &l)
	}
	return g
}

func (g gmm) logPdf(z []float64) float64 {
	m := math.Inf(-1)
	terms := make([]float64, len(g.w))
	for c := range g.w {
		terms[c] = math.Log(g.w[c]) + g.comp[c].LogProb(z)
		m = math.Max(m, terms[c])
	}
	s := 0.0
	for _, v := range terms {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

// expect returns E_g[f] by Gauss-Hermite quadrature with n x n nodes in
// each component's whitened coordinates: E_{N(m, LLᵀ)}[f] =
// (1/π) Σ_ij ω_i ω_j f(m + √2 L (x_i, x_j)).
func (g gmm) expect(f func(z []float64) float64, n int) float64 {
	x, wt := make([]float64, n), make([]float64, n)
	quad.Hermite{}.FixedLocations(x, wt, math.Inf(-1), math.Inf(1))
	var total float64
	z := make([]float64, 2)
	for c := range g.w {
		l := g.chol[c]
		var s float64
		for i := range n {
			for j := range n {
				u, v := math.Sqrt2*x[i], math.Sqrt2*x[j]
				z[0] = g.mean[c][0] + l.At(0, 0)*u
				z[1] = g.mean[c][1] + l.At(1, 0)*u + l.At(1, 1)*v
				s += wt[i] * wt[j] * f(z)
			}
		}
		total += g.w[c] * s / math.Pi
	}
	return total
}

// kl returns KL(a || b) = E_a[log a - log b] by Gauss-Hermite quadrature
// and an estimate of the quadrature error: the change from n·2/3 to n
// nodes per dimension. The integrand has kinks where the dominant
// component of a mixture changes (log-sum-exp is nearly a max), so the
// rule converges slowly where a's mass crosses them (a broad Gaussian over
// four modes): n takes a fixed budget of about 40,000 nodes, n² per
// component, at most 200.
func kl(a, b gmm) (v, errEst float64) {
	n := min(200, int(math.Sqrt(40000/float64(len(a.w)))))
	f := func(z []float64) float64 { return a.logPdf(z) - b.logPdf(z) }
	v = a.expect(f, n)
	return v, math.Abs(v - a.expect(f, 2*n/3))
}

// ellipseMass returns the mass of g inside {m + L r (cos θ, sin θ): r <= R}
// (the ellipse of Mahalanobis radius R of the Gaussian N(m, LLᵀ)), by
// Gauss-Legendre quadrature in those polar coordinates.
func ellipseMass(g gmm, m []float64, l *mat.TriDense, r float64) float64 {
	const n = 64
	x, wt := make([]float64, n), make([]float64, n)
	quad.Legendre{}.FixedLocations(x, wt, 0, 1)
	det := l.At(0, 0) * l.At(1, 1)
	z := make([]float64, 2)
	var s float64
	for i := range n {
		rad := r * x[i]
		for j := range n {
			th := 2 * math.Pi * x[j]
			u, v := rad*math.Cos(th), rad*math.Sin(th)
			z[0] = m[0] + l.At(0, 0)*u
			z[1] = m[1] + l.At(1, 0)*u + l.At(1, 1)*v
			s += wt[i] * wt[j] * math.Exp(g.logPdf(z)) * rad
		}
	}
	return s * det * r * 2 * math.Pi
}

// TestQuadrature checks the test's own quadrature on Gaussians, where
// gonum has KL in closed form and the mass in a Mahalanobis disc is
// 1 - exp(-R²/2).
func TestQuadrature(t *testing.T) {
	a := newGMM(t, []float64{1}, []float64{0.5, -1}, []float64{2, 0.7, 1})
	b := newGMM(t, []float64{1}, []float64{-1, 2}, []float64{9, -2, 8})
	want := distmv.KullbackLeibler{}.DistNormal(a.comp[0], b.comp[0])
	got, _ := kl(a, b)
	require.InDelta(t, want, got, 1e-10, "Gauss-Hermite KL of two Gaussians against gonum's closed form")
	require.InDelta(t, 1-math.Exp(-2), ellipseMass(a, a.mean[0], a.chol[0], 2), 1e-10, "mass in the radius-2 ellipse")
}

// TestQuick runs the example's quick mode and checks its numbers against
// independent values: the target's exact moments (the forward-KL Gaussian
// optimum), KL divergences and ellipse masses of the fitted densities by
// quadrature (gonum's distmv densities, Gauss-Hermite and Gauss-Legendre
// rules), -log w for a Gaussian sitting on a mode of weight w, and the mode
// counts that theory gives.
func TestQuick(t *testing.T) {
	dir := t.TempDir()
	_, err := run(config{Config: examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true}, K: 8}, io.Discard)
	require.NoError(t, err)
	s, err := examplekit.LoadSummary(dir)
	require.NoError(t, err)
	get := func(k string) float64 {
		v, ok := s.Float(k)
		require.True(t, ok, "summary has %s", k)
		return v
	}
	vec := func(k string) []float64 {
		v, ok := s.Floats(k)
		require.True(t, ok, "summary has the list %s", k)
		return v
	}
	const n = 5000 // quick mode's Monte Carlo draws

	// The target, from its definition in closed form: weights 0.3, 0.3,
	// 0.3, 0.1 at (-3, 3), (3, 3), (-3, -3), (3, -3); variances 0.36 except
	// the SW mode's (1.6², 0.4²). Mean x = 0.3(-3 + 3 - 3) + 0.1·3 = -0.6,
	// E[x²] = 0.6·9.36 + 0.3·11.56 + 0.1·9.36 = 10.02, so Var x = 9.66;
	// E[xy] = 0.3(-9 + 9 + 9) + 0.1(-9) = 1.8, so Cov(x, y) = 1.8 + 0.36 =
	// 2.16; Var y = 0.9·9.36 + 0.3·9.16 - 0.36 = 8.94. Computed below from
	// the parameters as Σ w_i (Σ_i + m_i m_iᵀ) - m mᵀ.
	tw := []float64{0.3, 0.3, 0.3, 0.1}
	tmeans := []float64{-3, 3, 3, 3, -3, -3, 3, -3}
	tcovs := []float64{0.36, 0, 0.36, 0.36, 0, 0.36, 2.56, 0, 0.16, 0.36, 0, 0.36}
	p := newGMM(t, tw, tmeans, tcovs)
	var mx, my, exx, exy, eyy float64
	for c, w := range tw {
		x, y := tmeans[2*c], tmeans[2*c+1]
		mx, my = mx+w*x, my+w*y
		exx, exy, eyy = exx+w*(tcovs[3*c]+x*x), exy+w*(tcovs[3*c+1]+x*y), eyy+w*(tcovs[3*c+2]+y*y)
	}
	exactMean := []float64{mx, my}
	exactCov := []float64{exx - mx*mx, exy - mx*my, eyy - my*my}
	require.InDeltaSlice(t, []float64{-0.6, 0.6}, exactMean, 1e-12, "target mean")
	require.InDeltaSlice(t, []float64{9.66, 2.16, 8.94}, exactCov, 1e-12, "target covariance")
	require.InDeltaSlice(t, exactMean, vec("target_mean"), 1e-12, "printed target mean")
	require.InDeltaSlice(t, exactCov, vec("target_cov"), 1e-12, "printed target covariance")

	// Forward KL over Gaussians is moment matching. The fit is the average
	// of the last quarter of 3,000 Adam iterates; over 8 seeds its
	// seed-to-seed sd was 0.005 for the mean and 0.01-0.02 for the
	// covariance entries, so the tolerances are about 4 sd.
	require.InDeltaSlice(t, exactMean, vec("gauss_forward_means"), 0.03, "forward-KL Gaussian mean = target mean")
	require.InDeltaSlice(t, exactCov, vec("gauss_forward_covs"), 0.08, "forward-KL Gaussian covariance = target covariance")

	// The fitted densities, and every KL estimate against quadrature: the
	// Monte Carlo estimates are unbiased, so they must lie within 4
	// standard errors (plus twice the quadrature's error estimate and 1e-3)
	// of the integral.
	fits := map[string]gmm{}
	for _, f := range []string{"gauss_reverse", "gauss_forward", "mix_reverse", "mix_forward"} {
		q := newGMM(t, vec(f+"_weights"), vec(f+"_means"), vec(f+"_covs"))
		fits[f] = q
		qp, qpErr := kl(q, p)
		pq, pqErr := kl(p, q)
		t.Logf("%s: KL(q||p) MC %.4f ± %.4f, quadrature %.4f (± %.4f); KL(p||q) MC %.4f ± %.4f, quadrature %.4f (± %.4f)",
			f, get(f+"_kl_qp"), get(f+"_kl_qp_se"), qp, qpErr, get(f+"_kl_pq"), get(f+"_kl_pq_se"), pq, pqErr)
		require.Less(t, qpErr, 0.05, "%s: quadrature of KL(q||p) has converged", f)
		require.Less(t, pqErr, 0.05, "%s: quadrature of KL(p||q) has converged", f)
		require.InDelta(t, qp, get(f+"_kl_qp"), 4*get(f+"_kl_qp_se")+2*qpErr+1e-3, "%s KL(q||p): Monte Carlo against quadrature", f)
		require.InDelta(t, pq, get(f+"_kl_pq"), 4*get(f+"_kl_pq_se")+2*pqErr+1e-3, "%s KL(p||q): Monte Carlo against quadrature", f)
	}

	// The forward-KL optimum over Gaussians is q* = N(target mean, target
	// covariance), and KL(p || q*) = -H(p) + ½ log det(2πe Σ) by
	// quadrature; the fit must reach it within its Monte Carlo error.
	qstar := newGMM(t, []float64{1}, exactMean, exactCov)
	optFwd, _ := kl(p, qstar)
	t.Logf("KL(p || q*) of the moment-matched Gaussian by quadrature: %.5f", optFwd)
	require.InDelta(t, optFwd, get("gauss_forward_kl_pq"), 4*get("gauss_forward_kl_pq_se")+2e-3, "forward-KL Gaussian reaches the optimum KL(p||q*)")

	// Reverse KL over Gaussians: a Gaussian on mode i alone has
	// KL(q || p) = -log w_i (the other modes overlap the round ones by e^-25 at most):
	// which mode the fit falls into depends on where it starts, but it
	// covers exactly that one, holding 1 - e^-2 of its mass in its ellipse.
	require.Equal(t, 1.0, get("gauss_reverse_modes"), "reverse-KL Gaussian covers one mode")
	on := -1
	for i, m := range vec("gauss_reverse_mode_mass") {
		if m > 0.5 {
			on = i
			require.InDelta(t, 1-math.Exp(-2), m, 4*math.Sqrt(m*(1-m)/n)+2e-3, "reverse-KL Gaussian is mode %d", i)
		}
	}
	require.GreaterOrEqual(t, on, 0, "reverse-KL Gaussian sits on a mode")
	require.InDelta(t, -math.Log(tw[on]), get("gauss_reverse_kl_qp"), 5e-3, "reverse-KL Gaussian on mode %d: KL = -log w", on)

	// Mode coverage against quadrature. p(E_i) is the target's mass in
	// mode i's radius-2 ellipse; q(E_i) for each fit is compared with the
	// example's Monte Carlo fraction (n draws: se sqrt(f(1-f)/n)), and the
	// moment-matched q* decides how many modes the forward-KL Gaussian
	// covers in theory.
	pm := vec("target_mode_mass")
	starCovered := 0
	for i := range tw {
		pe := ellipseMass(p, p.mean[i], p.chol[i], coverRadius)
		// p(E_i) = w_i (1 - e^-2) plus the other modes' tails: 4e-4 of the
		// elongated SW mode reaches the SE ellipse, the rest is below 1e-6.
		require.InDelta(t, tw[i]*(1-math.Exp(-2)), pe, 1e-3, "p(E_%d) = w_i (1 - e^-2)", i)
		require.InDelta(t, pe, pm[i], 4*math.Sqrt(pe*(1-pe)/n), "Monte Carlo p(E_%d)", i)
		qs := ellipseMass(qstar, p.mean[i], p.chol[i], coverRadius)
		t.Logf("mode %d: p(E) %.4f, q*(E) %.4f", i, pe, qs)
		// q* is far from the threshold either way, so the count is robust.
		require.Greater(t, math.Abs(qs-coverFrac*pe), 0.02, "q*(E_%d) is not borderline", i)
		if qs >= coverFrac*pe {
			starCovered++
		}
		for f, q := range fits {
			qe := ellipseMass(q, p.mean[i], p.chol[i], coverRadius)
			require.InDelta(t, qe, vec(f + "_mode_mass")[i], 4*math.Sqrt(qe*(1-qe)/n)+1e-3, "%s: Monte Carlo q(E_%d)", f, i)
		}
	}
	require.Equal(t, float64(starCovered), get("gauss_forward_modes"), "forward-KL Gaussian covers what q* covers")
	require.Equal(t, 0, starCovered, "q* puts less than half of p's mass on every mode")
	// The mixtures cover all four modes in either direction, and both of
	// their divergences nearly vanish (the target is in their family).
	for _, f := range []string{"mix_reverse", "mix_forward"} {
		require.Equal(t, 4.0, get(f+"_modes"), "%s covers all four modes", f)
		require.Less(t, get(f+"_kl_qp"), 0.03, "%s KL(q||p)", f)
		require.Less(t, get(f+"_kl_pq"), 0.03, "%s KL(p||q)", f)
		require.Less(t, get(f+"_khat"), 0.7, "%s is a usable proposal (k-hat)", f)
	}
	// The reverse-KL Gaussian misses three modes: KL(p || q) is large.
	require.Greater(t, get("gauss_reverse_kl_pq"), 10.0, "reverse-KL Gaussian misses mass of p")

	for _, f := range s.Files {
		_, _, err := examplekit.CheckImage(filepath.Join(dir, f))
		require.NoError(t, err, f)
	}
	require.Len(t, s.Files, 3)
}

// TestBadK checks that a mixture without components is refused.
func TestBadK(t *testing.T) {
	_, err := run(config{Config: examplekit.Config{Quick: true, Out: t.TempDir(), NoProgress: true}, K: 0}, io.Discard)
	require.ErrorContains(t, err, "-k = 0")
}
