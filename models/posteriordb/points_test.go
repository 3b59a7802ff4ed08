package posteriordb

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

// typicalPoint returns the centre and per-coordinate scale of a region of
// unconstrained space where posterior mass lies: the reference means
// mapped by the inverse transforms of each README, and scales of about a
// posterior sd.
func typicalPoint(t testing.TB, p *Posterior) (center, scale []float64) {
	t.Helper()
	ref := map[string]RefSummary{}
	for _, r := range p.Reference {
		ref[r.Name] = r
	}
	m := func(n string) float64 { return ref[n].Mean }
	sd := func(n string) float64 { return ref[n].SD }
	add := func(c, s float64) {
		center = append(center, c)
		scale = append(scale, s)
	}
	real := func(names ...string) {
		for _, n := range names {
			add(m(n), sd(n))
		}
	}
	logOf := func(n string) { add(math.Log(m(n)), sd(n)/m(n)) }
	switch p.Name {
	case "eight_schools-eight_schools_noncentered":
		for range 8 {
			add(0, 1)
		}
		real("mu")
		add(math.Log(3), 0.5)
	case "eight_schools-eight_schools_centered":
		for j := 1; j <= 8; j++ {
			real(vecName("theta", j))
		}
		real("mu")
		add(math.Log(3), 0.5)
	case "kilpisjarvi_mod-kilpisjarvi":
		real("alpha", "beta")
		logOf("sigma")
	case "earnings-logearn_interaction":
		real("beta[1]", "beta[2]", "beta[3]", "beta[4]")
		logOf("sigma")
	case "sblrc-blr":
		real("beta[1]", "beta[2]", "beta[3]", "beta[4]", "beta[5]")
		logOf("sigma")
	case "arK-arK":
		real("alpha", "beta[1]", "beta[2]", "beta[3]", "beta[4]", "beta[5]")
		logOf("sigma")
	case "garch-garch11":
		real("mu")
		logOf("alpha0")
		add(logit(m("alpha1")), 0.5)
		add(logit(m("beta1")/(1-m("alpha1"))), 0.5)
	case "low_dim_gauss_mix-low_dim_gauss_mix":
		real("mu[1]")
		add(math.Log(m("mu[2]")-m("mu[1]")), 0.02)
		logOf("sigma[1]")
		logOf("sigma[2]")
		add(logit(m("theta")), 0.07)
	case "hmm_example-hmm_example":
		add(logit(m("theta1[1]")), 0.4)
		add(logit(m("theta2[1]")), 0.4)
		logOf("mu[1]")
		add(math.Log(m("mu[2]")-m("mu[1]")), 0.03)
	case "gp_pois_regr-gp_pois_regr":
		logOf("rho")
		logOf("alpha")
		for range 11 {
			add(0, 1)
		}
	default:
		t.Fatalf("no typical point for %s", p.Name)
	}
	require.Len(t, center, p.Dim, p.Name)
	return center, scale
}

// randomPoints returns s points (s x Dim, row-major) at centre + spread *
// scale * N(0, 1).
func randomPoints(t testing.TB, p *Posterior, rng *rand.Rand, s int, spread float64) []float64 {
	c, sc := typicalPoint(t, p)
	z := make([]float64, s*p.Dim)
	for i := range s {
		for j := range p.Dim {
			z[i*p.Dim+j] = c[j] + spread*sc[j]*rng.NormFloat64()
		}
	}
	return z
}
