package dist

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// Test helpers of the cross-family KL pairs (kl_cross_*.go): the mpmath
// references of testdata/cross_ref.json (written by
// testdata/gen_cross_ref.py by numerical integration at 40 digits), a
// double-exponential quadrature that is independent of the closed forms,
// and constructors of the families by name.

// crossRefEntry is one KL reference: p and q by family name and
// parameters (in the order of the Go struct fields).
type crossRefEntry struct {
	P, Q   string
	PP, QP []float64
	KL     float64
	Near   bool
}

var crossRefOnce struct {
	sync.Once
	kls    []crossRefEntry
	consts map[string]float64
	err    error
}

// crossRefs loads testdata/cross_ref.json.
func crossRefs(t *testing.T) ([]crossRefEntry, map[string]float64) {
	t.Helper()
	crossRefOnce.Do(func() {
		var doc struct {
			KL []struct {
				P, Q   string
				PP, QP []string
				KL     string
				Near   bool
			}
			Const map[string]string
		}
		if err := decodeRef("cross_ref.json", &doc); err != nil {
			crossRefOnce.err = err
			return
		}
		fl := func(ss ...string) []float64 {
			v, err := parseFloats(ss)
			if err != nil && crossRefOnce.err == nil {
				crossRefOnce.err = err
			}
			return v
		}
		for _, e := range doc.KL {
			crossRefOnce.kls = append(crossRefOnce.kls, crossRefEntry{P: e.P, Q: e.Q, PP: fl(e.PP...), QP: fl(e.QP...), KL: fl(e.KL)[0], Near: e.Near})
		}
		crossRefOnce.consts = map[string]float64{}
		for k, v := range doc.Const {
			crossRefOnce.consts[k] = fl(v)[0]
		}
	})
	require.NoError(t, crossRefOnce.err, "reading testdata/cross_ref.json")
	require.NotEmpty(t, crossRefOnce.kls)
	return crossRefOnce.kls, crossRefOnce.consts
}

// famArityCross is the number of parameters of each family by name.
var famArityCross = map[string]int{
	"Normal": 2, "Beta": 2, "Exponential": 1, "Gamma": 2, "Gumbel": 2, "Laplace": 2, "Pareto": 2,
	"Uniform": 2, "Weibull": 2, "HalfNormal": 1, "LogNormal": 2, "Chi2": 1, "ContinuousBernoulli": 1,
}

// famCross returns the family named fam with parameters ps (a struct
// literal: no validation, as the registry validates in KL).
func famCross(fam string, ps []ad.Var) Distribution {
	switch fam {
	case "Normal":
		return Normal{Loc: ps[0], Scale: ps[1]}
	case "Beta":
		return Beta{Concentration1: ps[0], Concentration0: ps[1]}
	case "Exponential":
		return Exponential{Rate: ps[0]}
	case "Gamma":
		return Gamma{Concentration: ps[0], Rate: ps[1]}
	case "Gumbel":
		return Gumbel{Loc: ps[0], Scale: ps[1]}
	case "Laplace":
		return Laplace{Loc: ps[0], Scale: ps[1]}
	case "Pareto":
		return Pareto{Scale: ps[0], Alpha: ps[1]}
	case "Uniform":
		return Uniform{Low: ps[0], High: ps[1]}
	case "Weibull":
		return Weibull{Scale: ps[0], Concentration: ps[1]}
	case "HalfNormal":
		return HalfNormal{Scale: ps[0]}
	case "LogNormal":
		return LogNormal{Loc: ps[0], Scale: ps[1]}
	case "Chi2":
		return Chi2{Df: ps[0]}
	case "ContinuousBernoulli":
		return ContinuousBernoulli{Probs: ps[0]}
	case "ContinuousBernoulliLogits":
		return ContinuousBernoulli{Logits: ps[0]}
	}
	panic("famCross: unknown family " + fam)
}

// pairCross builds p and q from the concatenated parameters of both
// sides.
func pairCross(pf, qf string) func(ps []ad.Var) (Distribution, Distribution) {
	np := famArityCross[pf]
	return func(ps []ad.Var) (Distribution, Distribution) {
		return famCross(pf, ps[:np]), famCross(qf, ps[np:])
	}
}

// scalarPairCross returns p and q with scalar parameters.
func scalarPairCross(pf string, pp []float64, qf string, qp []float64) (Distribution, Distribution) {
	return pairCross(pf, qf)(scalarVars(append(append([]float64(nil), pp...), qp...)))
}

// supportCross returns p's support [lo, hi] and the points where p or q
// has a kink, a boundary or its bulk, for quadrature.
func supportCross(pf string, pp []float64, qf string, qp []float64) (lo, hi float64, breaks []float64) {
	lo, hi = math.Inf(-1), math.Inf(1)
	switch pf {
	case "Normal", "Gumbel", "Laplace":
		m, s := pp[0], pp[1]
		breaks = []float64{m - 8*s, m - 3*s, m - s, m, m + s, m + 3*s, m + 8*s}
		if pf == "Gumbel" {
			breaks = append(breaks, m+20*s, m+40*s)
		}
		if pf == "Laplace" {
			breaks = append(breaks, m-30*s, m+30*s)
		}
	case "Beta":
		lo, hi = 0, 1
		a, b := pp[0], pp[1]
		mean, sd := a/(a+b), math.Sqrt(a*b/((a+b)*(a+b)*(a+b+1)))
		breaks = []float64{mean - 8*sd, mean - 3*sd, mean - sd, mean, mean + sd, mean + 3*sd, mean + 8*sd}
	case "Exponential":
		lo = 0
		r := pp[0]
		breaks = []float64{1 / r, 5 / r, 30 / r}
	case "Gamma", "Chi2", "Weibull", "HalfNormal", "LogNormal":
		lo = 0
		d := famCross(pf, scalarVars(pp)).(Moments)
		mean, sd := d.Mean().Scalar(), math.Sqrt(d.Variance().Scalar())
		breaks = []float64{mean - 3*sd, mean - sd, mean, mean + sd, mean + 3*sd, mean + 10*sd, mean + 40*sd}
	case "Pareto":
		lo = pp[0]
		for _, k := range []float64{0.1, 0.3, 1, 3, 10, 30} {
			breaks = append(breaks, pp[0]*math.Exp(k/pp[1]))
		}
	case "Uniform":
		lo, hi = pp[0], pp[1]
		breaks = []float64{(lo + hi) / 2}
	case "ContinuousBernoulli":
		lo, hi = 0, 1
		breaks = []float64{0.25, 0.5, 0.75}
	default:
		panic("supportCross: " + pf)
	}
	switch qf {
	case "Laplace", "Pareto":
		breaks = append(breaks, qp[0])
	case "Uniform":
		breaks = append(breaks, qp[0], qp[1])
	}
	return lo, hi, breaks
}

// nameCross formats a pair for messages.
func nameCross(pf string, pp []float64, qf string, qp []float64) string {
	return fmt.Sprintf("KL(%s%v || %s%v)", pf, pp, qf, qp)
}

// matsCross returns 1x1 matrices holding xs.
func matsCross(xs ...float64) []ad.Matrix {
	out := make([]ad.Matrix, len(xs))
	for i, x := range xs {
		out[i] = mat(x)
	}
	return out
}
