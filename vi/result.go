package vi

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/kldiv/kldiv/ad"
)

// Result is a fitted variational approximation.
type Result struct {
	Model Model
	Guide Guide
	// Params holds the fitted parameters.
	Params *ParamStore
	// Steps is the number of optimizer steps taken (skipped non-finite
	// steps included).
	Steps int
	// StopReason is "converged", "max steps", "cancelled", "diverged" or
	// "error".
	StopReason string
	// History holds the per-step ELBO estimates of the objective.
	History []float64
	// AveragedSteps is the number of iterates averaged into the final
	// parameters by Average (0 without it).
	AveragedSteps int
	// ELBO is the final estimate of the evidence lower bound,
	// mean of log p(x, z) - log q(z) over the posterior draws, with its
	// Monte Carlo standard error.
	ELBO, ELBOStdErr float64
	// KHat is the Pareto k-hat of the importance weights p(x, z)/q(z) at
	// the draws (Yao et al. 2018): below 0.5 the approximation is good,
	// above 0.7 importance-sampling corrections are unreliable; -Inf when
	// the largest log weights are constant (an exact fit, see
	// estimators.PSIS).
	KHat float64
	// Draws holds the posterior draws of every latent and deterministic
	// site in constrained space, one row per draw (particle-major for
	// sites with several batch rows).
	Draws map[string]ad.Matrix
	// Order lists the names in Draws in the order of the model's sites.
	Order []string
	// LogWeights holds log p(x, z) - log q(z) at each draw (the importance
	// weights behind ELBO and KHat).
	LogWeights []float64
}

func (r *Result) fill(st *fitState, env *Env, c config, stop string) {
	r.Steps = st.Step
	r.StopReason = stop
	r.History = st.History
	r.ELBO, r.ELBOStdErr, r.KHat = math.NaN(), math.NaN(), math.NaN()
}

// evaluate draws n particles from the fitted guide (in chunks, without
// gradients), estimates the ELBO and k-hat and stores the draws.
func (r *Result) evaluate(env *Env, n int) error {
	if n <= 0 {
		return nil
	}
	const chunk = 1000
	env.Tape.SetNoGrad(true)
	defer func() {
		env.Tape.SetNoGrad(false)
		env.Particles = 1
		env.Tape.Reset()
	}()
	lw := make([]float64, 0, n)
	r.Draws = map[string]ad.Matrix{}
	r.Order = nil
	for done := 0; done < n; done += chunk {
		k := min(chunk, n-done)
		env.Tape.Reset()
		env.Particles = k
		gt, err := env.RunGuideWith(r.Guide, k, Draw())
		if err != nil {
			return err
		}
		mt, err := env.RunModel(r.Model, gt)
		if err != nil {
			return err
		}
		lw = append(lw, ad.Sub(mt.LogJoint(k), gt.LogJoint(k)).Value()...)
		for _, s := range mt.Sites {
			if s.Kind != Latent && s.Kind != Deterministic {
				continue
			}
			m, seen := r.Draws[s.Name]
			if !seen {
				r.Order = append(r.Order, s.Name)
				m = ad.Matrix{Cols: s.Value.Cols()}
			}
			m.Data = append(m.Data, s.Value.Value()...)
			m.Rows += s.Value.Rows()
			r.Draws[s.Name] = m
		}
	}
	var m, m2 float64
	for _, v := range lw {
		m += v
	}
	m /= float64(n)
	for _, v := range lw {
		m2 += (v - m) * (v - m)
	}
	r.ELBO = m
	if n > 1 {
		r.ELBOStdErr = math.Sqrt(m2 / float64(n-1) / float64(n))
	}
	r.KHat = paretoKHat(lw)
	r.LogWeights = lw
	return nil
}

// SiteSummary summarizes one element of a site's posterior draws.
type SiteSummary struct {
	Name          string // site name with the element index, e.g. "theta[3]"
	Mean, SD      float64
	Q05, Q50, Q95 float64
}

// Summaries returns the summary of every element of every site in Draws,
// in site order. Quantiles interpolate linearly between order statistics
// (R type 7).
func (r *Result) Summaries() []SiteSummary {
	var out []SiteSummary
	for _, name := range r.Order {
		out = append(out, summarize(name, r.Draws[name])...)
	}
	return out
}

func summarize(name string, m ad.Matrix) []SiteSummary {
	n, c := m.Rows, m.Cols
	var out []SiteSummary
	col := make([]float64, n)
	for j := 0; j < c; j++ {
		for i := 0; i < n; i++ {
			col[i] = m.Data[i*c+j]
		}
		label := name
		if c > 1 {
			label = fmt.Sprintf("%s[%d]", name, j)
		}
		out = append(out, describe(label, col))
	}
	return out
}

func describe(label string, x []float64) SiteSummary {
	n := len(x)
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(n)
	var v float64
	for _, e := range x {
		v += (e - m) * (e - m)
	}
	sd := math.NaN()
	if n > 1 {
		sd = math.Sqrt(v / float64(n-1))
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return SiteSummary{Name: label, Mean: m, SD: sd, Q05: quantile7(s, 0.05), Q50: quantile7(s, 0.5), Q95: quantile7(s, 0.95)}
}

// quantile7 is the type-7 quantile of sorted data.
func quantile7(s []float64, p float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	h := p * float64(len(s)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (h-lo)*(s[i+1]-s[i])
}

// PSISSummaries returns the summaries of the draws reweighted by
// Pareto-smoothed importance sampling towards the exact posterior (Yao,
// Vehtari, Simpson and Gelman 2018, "Yes, but did it work?"): weighted
// means, sds and quantiles with the smoothed weights. The correction is
// reliable when KHat < 0.7; above it the summaries are returned with an
// error that says so. Quantiles are those of the weighted empirical
// distribution.
func (r *Result) PSISSummaries() ([]SiteSummary, error) {
	if len(r.LogWeights) == 0 {
		return nil, fmt.Errorf("vi: no draws to reweight (Draws(0) or NoFinalEvaluation)")
	}
	w, k, err := psisWeights(r.LogWeights)
	if err != nil {
		return nil, err
	}
	var out []SiteSummary
	for _, name := range r.Order {
		m := r.Draws[name]
		n, c := m.Rows, m.Cols
		per := n / len(w)
		col := make([]float64, n)
		ws := make([]float64, n)
		for j := 0; j < c; j++ {
			for i := 0; i < n; i++ {
				col[i] = m.Data[i*c+j]
				ws[i] = w[i/per] / float64(per)
			}
			label := name
			if c > 1 {
				label = fmt.Sprintf("%s[%d]", name, j)
			}
			out = append(out, describeWeighted(label, col, ws))
		}
	}
	if k >= 0.7 {
		return out, fmt.Errorf("vi: PSIS k-hat %.2f >= 0.7: the importance-sampling correction is unreliable", k)
	}
	return out, nil
}

func describeWeighted(label string, x, w []float64) SiteSummary {
	var sw, m float64
	for i, v := range x {
		sw += w[i]
		m += w[i] * v
	}
	m /= sw
	var v, sw2 float64
	for i, e := range x {
		v += w[i] * (e - m) * (e - m)
		sw2 += w[i] * w[i]
	}
	// Unbiased weighted variance with normalized weights (reliability
	// weights): divide by 1 - Σw̄².
	v /= sw
	if den := 1 - sw2/(sw*sw); den > 0 {
		v /= den
	}
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	q := func(p float64) float64 {
		var acc float64
		for _, i := range idx {
			acc += w[i] / sw
			if acc >= p {
				return x[i]
			}
		}
		return x[idx[len(idx)-1]]
	}
	return SiteSummary{Name: label, Mean: m, SD: math.Sqrt(v), Q05: q(0.05), Q50: q(0.5), Q95: q(0.95)}
}

// Summary formats the posterior summaries as a table, with the final ELBO
// and k-hat.
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s %10s %10s %10s %10s %10s\n", "site", "mean", "sd", "5%", "50%", "95%")
	for _, s := range r.Summaries() {
		fmt.Fprintf(&b, "%-16s %10.4g %10.4g %10.4g %10.4g %10.4g\n", s.Name, s.Mean, s.SD, s.Q05, s.Q50, s.Q95)
	}
	fmt.Fprintf(&b, "ELBO %.4f ± %.4f (%d draws), k-hat %.2f, %d steps (%s)\n",
		r.ELBO, r.ELBOStdErr, drawsCount(r), r.KHat, r.Steps, r.StopReason)
	return b.String()
}

func drawsCount(r *Result) int {
	for _, m := range r.Draws {
		return m.Rows
	}
	return 0
}
