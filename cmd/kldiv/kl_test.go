package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/dist/spec"
	"github.com/kldiv/kldiv/estimators"
	"github.com/kldiv/kldiv/internal/examplekit"
)

var updateREADME = flag.Bool("update", false, "rewrite the KL pairs table in README.md")

func runStdin(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := runIO(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// klNormalCLI is KL(N(m1, s1²) || N(m2, s2²)), the textbook formula.
func klNormalCLI(m1, s1, m2, s2 float64) float64 {
	return math.Log(s2/s1) + (s1*s1+(m1-m2)*(m1-m2))/(2*s2*s2) - 0.5
}

// jsQuadCLI is the Jensen-Shannon divergence of two densities by the
// trapezoid rule on [lo, hi].
func jsQuadCLI(p, q func(float64) float64, lo, hi float64) float64 {
	const n = 400000
	h := (hi - lo) / n
	var s float64
	for i := 0; i <= n; i++ {
		x := lo + float64(i)*h
		a, b := p(x), q(x)
		m := (a + b) / 2
		var f float64
		if a > 0 {
			f += a * math.Log(a/m)
		}
		if b > 0 {
			f += b * math.Log(b/m)
		}
		w := 1.0
		if i == 0 || i == n {
			w = 0.5
		}
		s += w * f / 2
	}
	return s * h
}

func mustSpecCLI(t *testing.T, src string) dist.Distribution {
	t.Helper()
	s, err := spec.Parse(src)
	require.NoError(t, err)
	d, _, err := spec.Build(s)
	require.NoError(t, err)
	return d
}

// textValue finds the line starting with name and returns its value and
// standard error (NaN when the line has none).
func textValue(t *testing.T, out, name string) (float64, float64, string) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` +(\S+)(?: ± (\S+))? +(.*)$`)
	m := re.FindStringSubmatch(out)
	require.NotNil(t, m, "line %q in\n%s", name, out)
	v, err := strconv.ParseFloat(m[1], 64)
	require.NoError(t, err)
	se := math.NaN()
	if m[2] != "" {
		se, err = strconv.ParseFloat(m[2], 64)
		require.NoError(t, err)
	}
	return v, se, m[3]
}

func TestKLText(t *testing.T) {
	code, out, errs := runCmd("kl", "Normal(0, 1)", "Normal(1, 2)")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "P = Normal(0, 1)\nQ = Normal(1, 2)\n")
	v, se, how := textValue(t, out, "KL(P || Q)")
	assert.InEpsilon(t, klNormalCLI(0, 1, 1, 2), v, 1e-11)
	assert.True(t, math.IsNaN(se))
	assert.Equal(t, "analytic", how)
	v, _, how = textValue(t, out, "KL(Q || P)")
	assert.InEpsilon(t, klNormalCLI(1, 2, 0, 1), v, 1e-11)
	assert.Equal(t, "analytic", how)
	v, _, _ = textValue(t, out, "symmetric KL")
	assert.InEpsilon(t, 1.75, v, 1e-11)
	// Jensen-Shannon: no closed form for normals.
	v, se, how = textValue(t, out, "Jensen-Shannon")
	assert.Equal(t, "monte-carlo (100000 samples from each side, seed 1)", how)
	p, q := dist.Must(dist.NewNormal(0, 1)), dist.Must(dist.NewNormal(1, 2))
	est, err := estimators.JS(rand.New(rand.NewPCG(1, streamJS)), p, q, 100000)
	require.NoError(t, err)
	assert.Equal(t, strconv.FormatFloat(est[0].Value, 'g', 6, 64), strconv.FormatFloat(v, 'g', 6, 64), "the estimate of package estimators")
	want := jsQuadCLI(distuv.Normal{Mu: 0, Sigma: 1}.Prob, distuv.Normal{Mu: 1, Sigma: 2}.Prob, -40, 40)
	assert.InDelta(t, want, v, 5*se, "JS within 5 standard errors of the quadrature value %v", want)

	// A batch: one line per element, flags after the specifications.
	code, out, errs = runCmd("kl", "Normal(loc=[0, 1], scale=1)", "Normal(0, [[1], [2]])", "--seed", "3")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "batch shape (2, 2)\n")
	block := regexp.MustCompile(`(?s)KL\(P \|\| Q\)  analytic\n(.*?)\n\n`).FindStringSubmatch(out)
	require.NotNil(t, block, out)
	lines := strings.Split(block[1], "\n")
	require.Len(t, lines, 4)
	for k, line := range lines {
		i, j := k/2, k%2
		f := strings.Fields(line)
		require.Len(t, f, 3, line)
		assert.Equal(t, fmt.Sprintf("[%d,", i), f[0])
		v, err := strconv.ParseFloat(f[2], 64)
		require.NoError(t, err)
		assert.InDelta(t, klNormalCLI(float64(j), 1, 0, float64(i+1)), v, 1e-11, line)
	}
	assert.Contains(t, out, "seed 3)")
}

// klJSON runs kldiv kl --json and decodes the object.
func klJSON(t *testing.T, args ...string) map[string]map[string]any {
	t.Helper()
	code, out, errs := runCmd(append([]string{"kl", "--json"}, args...)...)
	require.Equal(t, 0, code, errs)
	require.Equal(t, 1, strings.Count(out, "\n"), "one line")
	var m map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &m), out)
	assert.Len(t, m, 4)
	for _, k := range []string{"kl_pq", "kl_qp", "js", "symmetric_kl"} {
		require.Contains(t, m, k)
		_, hasSE := m[k]["stderr"]
		assert.Equal(t, m[k]["method"] == "monte-carlo", hasSE, "%s: stderr only for monte-carlo", k)
	}
	return m
}

func TestKLJSON(t *testing.T) {
	m := klJSON(t, "Normal(0, 1)", "Normal(1, 2)")
	assert.Equal(t, "analytic", m["kl_pq"]["method"])
	assert.InEpsilon(t, klNormalCLI(0, 1, 1, 2), m["kl_pq"]["value"], 1e-14)
	assert.InEpsilon(t, klNormalCLI(1, 2, 0, 1), m["kl_qp"]["value"], 1e-14)
	assert.InEpsilon(t, 1.75, m["symmetric_kl"]["value"], 1e-14)
	p, q := dist.Must(dist.NewNormal(0, 1)), dist.Must(dist.NewNormal(1, 2))
	js, err := estimators.JS(rand.New(rand.NewPCG(1, streamJS)), p, q, 100000)
	require.NoError(t, err)
	assert.Equal(t, js[0].Value, m["js"]["value"])
	assert.Equal(t, js[0].StdErr, m["js"]["stderr"])

	// Monte Carlo in both directions, with the k3 estimator and a seed.
	m = klJSON(t, "--estimator", "k3", "--samples", "5000", "--seed", "9", "Normal(0, 1)", "StudentT(3)")
	var tq dist.Distribution = dist.Must(dist.NewStudentT(3, 0, 1))
	pq, err := estimators.KL(rand.New(rand.NewPCG(9, streamKLPQ)), p, tq, 5000, estimators.K3)
	require.NoError(t, err)
	qp, err := estimators.KL(rand.New(rand.NewPCG(9, streamKLQP)), tq, p, 5000, estimators.K3)
	require.NoError(t, err)
	assert.Equal(t, "monte-carlo", m["kl_pq"]["method"])
	assert.Equal(t, pq[0].Value, m["kl_pq"]["value"])
	assert.Equal(t, pq[0].StdErr, m["kl_pq"]["stderr"])
	assert.Equal(t, qp[0].Value, m["kl_qp"]["value"])
	assert.InDelta(t, pq[0].Value+qp[0].Value, m["symmetric_kl"]["value"], 1e-15)
	assert.InDelta(t, math.Hypot(pq[0].StdErr, qp[0].StdErr), m["symmetric_kl"]["stderr"], 1e-15)
	assert.Equal(t, "monte-carlo", m["symmetric_kl"]["method"])

	// Discrete pair: closed-form Jensen-Shannon, against a direct sum.
	m = klJSON(t, "Bernoulli(0.3)", "Bernoulli(0.6)")
	assert.Equal(t, "analytic", m["js"]["method"])
	mid := [2]float64{(0.7 + 0.4) / 2, (0.3 + 0.6) / 2}
	wantJS := 0.5*(0.7*math.Log(0.7/mid[0])+0.3*math.Log(0.3/mid[1])) + 0.5*(0.4*math.Log(0.4/mid[0])+0.6*math.Log(0.6/mid[1]))
	assert.InEpsilon(t, wantJS, m["js"]["value"], 1e-13)
	assert.InEpsilon(t, 0.3*math.Log(0.3/0.6)+0.7*math.Log(0.7/0.4), m["kl_pq"]["value"], 1e-13)

	// Infinite values are "inf"; a batch gives nested lists.
	// No negative zero: KL(Delta(v) || Dirichlet(1, 1)) = -log 1.
	m = klJSON(t, "Delta([0.3, 0.7], event_dim=1)", "Dirichlet([1, 1])")
	assert.Equal(t, 0.0, m["kl_pq"]["value"])
	code, out, _ := runCmd("kl", "--json", "Delta([0.3, 0.7], event_dim=1)", "Dirichlet([1, 1])")
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"kl_pq":{"value":0,"method":"analytic"}`)
	m = klJSON(t, "Uniform(0, [[1, 2]])", "Uniform(0, 1)")
	assert.Equal(t, []any{[]any{0.0, "inf"}}, m["kl_pq"]["value"])
	assert.Equal(t, []any{[]any{0.0, math.Log(2)}}, m["kl_qp"]["value"])
	assert.Equal(t, []any{[]any{0.0, "inf"}}, m["symmetric_kl"]["value"])
	js2 := m["js"]["value"].([]any)[0].([]any)
	require.Len(t, js2, 2)
	// A batch of Monte Carlo estimates: stderr nested like the values.
	m = klJSON(t, "--samples", "1000", "Normal([0, 1, 2], 1)", "Cauchy(0, 1)")
	assert.Len(t, m["kl_pq"]["value"], 3)
	assert.Len(t, m["kl_pq"]["stderr"], 3)
	pb := mustSpecCLI(t, "Normal([0, 1, 2], 1)")
	lap := mustSpecCLI(t, "Cauchy(0, 1)")
	e, err := estimators.KL(rand.New(rand.NewPCG(1, streamKLPQ)), pb, lap, 1000, estimators.K1)
	require.NoError(t, err)
	for i := range 3 {
		assert.Equal(t, e[i].Value, m["kl_pq"]["value"].([]any)[i])
	}
}

func TestKLBatch(t *testing.T) {
	in := strings.Join([]string{
		`{"p": {"family": "Normal", "params": {"loc": 0, "scale": 1}}, "q": {"family": "Normal", "params": {"loc": 1, "scale": 2}}}`,
		``,
		`   `,
		`{"p": "Uniform(0, 2)", "q": "Uniform(0, 1)"}`,
		`{"p": "Normal(0, 1)", "q": {"family": "StudentT", "params": {"df": 3}}}`,
		`{"p": "Normal([0, 1], 1)", "q": "Normal(0, [[1], [2]])"}`,
		`{"p": "Normal(0, -1)", "q": "Normal(0, 1)"}`,
		`not json`,
		`{"p": "Normal(0, 1)"}`,
		`{"p": "Normal(0, 1)", "q": "Normal(0, 1)", "r": 1}`,
		`{"p": {"family": "Normal", "params": {"loc": "x"}}, "q": "Normal(0, 1)"}`,
		`{"p": "Normal(0 1)", "q": "Normal(0, 1)"}`,
		`{"p": "Normal(0, 1)", "q": "Dirichlet([1, 1])"}`,
		`[1, 2]`,
		`{"p": {"family": "Gamma", "params": {"concentration": [2, 3], "rate": 1}}, "q": {"family": "Gamma", "params": {"concentration": 2, "rate": "inf"}}}`,
		`{"p": "Poisson(2)", "q": "Poisson(3)"}`, // no trailing newline
	}, "\n")
	code, out, errs := runStdin(in, "kl", "--batch", "--samples", "2000")
	assert.Equal(t, 1, code, "a line gave an error: %s", errs)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 14, out)
	dec := func(i int) map[string]any {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(lines[i]), &m), lines[i])
		return m
	}
	m := dec(0)
	assert.Equal(t, map[string]any{"kl": klNormalCLI(0, 1, 1, 2), "method": "analytic"}, m)
	assert.Equal(t, map[string]any{"kl": "inf", "method": "analytic"}, dec(1))
	m = dec(2)
	assert.Equal(t, "monte-carlo", m["method"])
	est, err := estimators.KL(rand.New(rand.NewPCG(1, streamKLPQ)), dist.Must(dist.NewNormal(0, 1)), dist.Must(dist.NewStudentT(3, 0, 1)), 2000, estimators.K1)
	require.NoError(t, err)
	assert.Equal(t, est[0].Value, m["kl"])
	assert.Equal(t, est[0].StdErr, m["stderr"])
	m = dec(3)
	assert.Equal(t, "analytic", m["method"])
	kl := m["kl"].([]any)
	require.Len(t, kl, 2)
	for i := range 2 {
		row := kl[i].([]any)
		require.Len(t, row, 2)
		for j := range 2 {
			assert.InDelta(t, klNormalCLI(float64(j), 1, 0, float64(i+1)), row[j], 1e-15)
		}
	}
	errLine := func(i int, want string) {
		m := dec(i)
		require.Len(t, m, 1, lines[i])
		assert.Contains(t, m["error"], want, lines[i])
	}
	errLine(4, "P: Normal: argument scale: is -1, want a finite number > 0 (column 11)")
	errLine(5, "not a JSON object")
	errLine(6, `missing "q"`)
	errLine(7, `unknown key "r"`)
	errLine(8, `P: spec JSON: at params.loc: expected a number, found the string "x"`)
	errLine(9, "P: column 10: expected ',' or ')'")
	errLine(10, "different event shapes")
	errLine(11, "not a JSON object")
	errLine(12, "Gamma: argument rate")
	m = dec(13)
	assert.Equal(t, "analytic", m["method"])
	assert.InEpsilon(t, 2*math.Log(2.0/3)+1, m["kl"], 1e-14, "KL(Poisson(2) || Poisson(3))")

	// All lines good: exit status 0; the output ends with a newline.
	code, out, _ = runStdin("{\"p\": \"Normal(0, 1)\", \"q\": \"Normal(0, 1)\"}\n\n", "kl", "--batch")
	assert.Equal(t, 0, code)
	assert.Equal(t, "{\"kl\":0,\"method\":\"analytic\"}\n", out)
	code, out, _ = runStdin("", "kl", "--batch")
	assert.Equal(t, 0, code)
	assert.Empty(t, out)
}

func TestKLErrors(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"kl"}, 2, []string{"want two specifications P and Q, got 0", "usage: kldiv kl"}},
		{[]string{"kl", "Normal(0, 1)"}, 2, []string{"got 1"}},
		{[]string{"kl", "Normal(0, 1)", "Normal(0, 1)", "Normal(0, 1)"}, 2, []string{"got 3"}},
		{[]string{"kl", "--frobnicate", "Normal(0, 1)", "Normal(0, 1)"}, 2, []string{"flag provided but not defined: -frobnicate"}},
		{[]string{"kl", "--estimator", "k4", "Normal(0, 1)", "Normal(0, 1)"}, 2, []string{`--estimator "k4": want k1, k2 or k3`}},
		{[]string{"kl", "--samples", "1", "Normal(0, 1)", "Normal(0, 1)"}, 2, []string{"--samples 1: want at least 2"}},
		{[]string{"kl", "--batch", "Normal(0, 1)"}, 2, []string{"--batch reads the pairs from stdin"}},
		{[]string{"kl", "Normal(0, 1)", "Normal(0 1)"}, 2, []string{"kldiv kl: Q: column 10: expected ',' or ')', found \"1)\"\n  Normal(0 1)\n           ^\n"}},
		{[]string{"kl", "Normal(0, -1)", "Normal(0, 1)"}, 2, []string{"kldiv kl: P: Normal: argument scale: is -1, want a finite number > 0 (column 11)\n  Normal(0, -1)\n            ^\n"}},
		{[]string{"kl", "Normal(0, 1)", "Normal([0, 1], [[1, 2], [3, -4]])"}, 2, []string{"element [1, 1] is -4", "\n" + strings.Repeat(" ", 30) + "^\n"}},
		{[]string{"kl", "Nromal(0, 1)", "Normal(0, 1)"}, 2, []string{"P: Nromal: unknown distribution family (did you mean Normal?)", "\n  ^\n"}},
		{[]string{"kl", "Normal(0, 1)", "Normal(0, 1, 2, 3)"}, 2, []string{"takes at most 3 positional arguments", "\n                  ^\n"}},
		{[]string{"kl", "Normal(0, 1)", "Dirichlet([1, 1])"}, 2, []string{"P and Q have different event shapes: () and (2,)"}},
		{[]string{"kl", "Normal([0, 1], 1)", "Normal([0, 1, 2], 1)"}, 2, []string{"the batch shapes of P (2,) and Q (3,) do not broadcast"}},
		{[]string{"kl", "Normal(0, 1)", "Normal(\t0,\n-1)"}, 2, []string{"(column 12)\n  -1)\n  ^\n"}},
	}
	for _, c := range cases {
		code, out, errs := runCmd(c.args...)
		assert.Equal(t, c.code, code, "%q: %s", c.args, errs)
		assert.Empty(t, out, "%q", c.args)
		for _, w := range c.want {
			assert.Contains(t, errs, w, "%q", c.args)
		}
		assert.NotContains(t, errs, "internal error")
	}
	code, _, errs := runCmd("kl", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, errs, "usage: kldiv kl")
}

// nanDistCLI is a distribution whose log-density is NaN: the Monte Carlo
// estimate fails, a computation error.
type nanDistCLI struct{ dist.Normal }

func (nanDistCLI) LogProb(x ad.Var) ad.Var { return ad.Full(x.Rows(), 1, math.NaN()) }

func TestKLComputationError(t *testing.T) {
	p := nanDistCLI{dist.Must(dist.NewNormal(0, 1))}
	q := dist.Must(dist.NewNormal(0, 1))
	_, _, _, _, err := divergences(klConfig{samples: 100, seed: 1, est: estimators.K1}, p, q, []int{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "KL(P || Q)")
	assert.Contains(t, err.Error(), "undefined")
}

// TestKLNoPanic runs every pair of a set of specifications: kldiv kl
// succeeds or reports a computation error, never an internal error.
func TestKLNoPanic(t *testing.T) {
	specs := []string{
		"Normal(0, 1)", "Normal([0, 1], [1, 2])", "Cauchy(0, 1)", "Laplace(0, 1)", "Gumbel(0, 1)", "LogNormal(0, 1)",
		"Beta(2, 3)", "Gamma(2, 3)", "InverseGamma(3, 2)", "Uniform(0, 1)", "Pareto(1, 3)", "Weibull(1, 2)",
		"Chi2(3)", "Exponential(2)", "HalfNormal(1)", "HalfCauchy(1)", "StudentT(3)", "Poisson(2)", "Bernoulli(0.3)",
		"Geometric(0.3)", "Binomial(5, 0.3)", "NegativeBinomial(3, 0.4)", "RelaxedBernoulli(0.5, 0.3)",
		"Categorical([0.2, 0.3, 0.5])", "Delta(0.5)", "MixtureSameFamily(Categorical([0.3, 0.7]), Normal([-1, 2], [1, 0.5]))",
		"TransformedDistribution(Normal(0, 1), ExpTransform())", "TransformedDistribution(Normal(0, 1), SigmoidTransform())",
		"Expanded(Normal(0, 1), [2])", "Independent(Normal([0, 0], 1), 1)", "MultivariateNormal([0, 0], [[1, 0.5], [0.5, 2]])",
		"LowRankMultivariateNormal([0, 0], [[1], [0.5]], [1, 1])", "Dirichlet([1, 2])", "OneHotCategorical([0.5, 0.5])",
		"Multinomial(3, [0.2, 0.8])", "RelaxedOneHotCategorical(0.5, [0.2, 0.8])",
		"TransformedDistribution(Normal([0], 1), StickBreakingTransform())", "Delta([0.3, 0.7], event_dim=1)",
		"Independent(Bernoulli([0.3, 0.6]), 1)", "VonMises(0, 2)", "Kumaraswamy(2, 3)", "ContinuousBernoulli(0.3)",
		"MixtureSameFamily(Categorical([0.3, 0.7]), MultivariateNormal([[0, 0], [1, 1]], [[1, 0], [0, 1]]))",
		// batches
		"MultivariateNormal([[0, 0], [1, 1]], [[1, 0], [0, 1]])", "Dirichlet([[1, 2], [3, 4]])", "Categorical([[0.5, 0.5], [0.2, 0.8]])",
		"MixtureSameFamily(Categorical([[0.3, 0.7], [0.5, 0.5]]), Normal([[-1, 2], [0, 1]], 1))",
		"TransformedDistribution(Normal([[0], [1]], 1), StickBreakingTransform())", "Expanded(Dirichlet([1, 2]), [2])",
		"Independent(Normal([[0, 0], [1, 1]], 1), 1)", "Normal([[0], [1]], [1, 2])", "Delta([[0.3, 0.7]], event_dim=1)",
	}
	for _, p := range specs {
		for _, q := range specs {
			code, _, errs := runCmd("kl", "--samples", "50", p, q)
			require.NotEqual(t, 3, code, "%s || %s: %s", p, q, errs)
			assert.Contains(t, []int{0, 1, 2}, code)
			if code == 1 {
				assert.Contains(t, errs, "kldiv kl: ", "%s || %s", p, q)
			}
		}
	}
}

// FuzzKLBatchLine: a --batch line never panics and always gives one JSON
// object.
func FuzzKLBatchLine(f *testing.F) {
	for _, s := range []string{
		`{"p": "Normal(0, 1)", "q": "Normal(1, 2)"}`,
		`{"p": {"family": "Normal", "params": {"loc": [0, 1], "scale": 1}}, "q": "StudentT(3)"}`,
		`{"p": "Uniform(0, 2)", "q": "Uniform(0, 1)"}`, `{"p": null, "q": 1}`, `{}`, `[`, `"x"`,
		`{"p": {"family": "MixtureSameFamily", "params": {"mixture_distribution": {"family": "Categorical", "params": {"probs": [1, 1]}}, "component_distribution": "Normal([0, 1], 1)"}}, "q": "Normal(0, 1)"}`,
	} {
		f.Add(s)
	}
	cfg := klConfig{samples: 8, seed: 1, est: estimators.K1}
	f.Fuzz(func(t *testing.T, line string) {
		out, _ := batchLine(cfg, []byte(line))
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%q gave %q, not a JSON object: %v", line, out, err)
		}
		if _, ok := m["error"]; !ok {
			if _, ok := m["kl"]; !ok {
				t.Fatalf("%q gave %q", line, out)
			}
		}
	})
}

func TestPairsCommand(t *testing.T) {
	code, out, errs := runCmd("pairs")
	require.Equal(t, 0, code, errs)
	ps := dist.Pairs()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, len(ps)+1)
	assert.Regexp(t, `^P +Q +how$`, lines[0])
	assert.Regexp(t, `(?m)^Normal +Normal +closed form$`, out)
	code, out, _ = runCmd("pairs", "--markdown")
	require.Equal(t, 0, code)
	assert.Equal(t, pairsMarkdown(ps), out)
	assert.Contains(t, out, "| `Normal` | `Normal` | closed form |\n")
	lines = strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	assert.Len(t, lines, len(ps)+2)
	code, _, errs = runCmd("pairs", "extra")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "unexpected arguments")
}

const (
	pairsBegin = "<!-- pairs:begin -->\n"
	pairsEnd   = "<!-- pairs:end -->"
)

// TestREADMEPairs fails when the table of KL pairs in README.md differs
// from the registry; -update rewrites it.
func TestREADMEPairs(t *testing.T) {
	const path = "../../README.md"
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	readme := string(raw)
	i := strings.Index(readme, pairsBegin)
	j := strings.Index(readme, pairsEnd)
	require.True(t, i >= 0 && j > i, "README.md has the markers %q and %q", pairsBegin, pairsEnd)
	want := pairsMarkdown(dist.Pairs())
	got := readme[i+len(pairsBegin) : j]
	if *updateREADME {
		readme = readme[:i+len(pairsBegin)] + want + readme[j:]
		require.NoError(t, os.WriteFile(path, []byte(readme), 0o644))
		return
	}
	assert.Equal(t, want, got, "README.md's table of KL pairs is out of date: run go test ./cmd/kldiv -run TestREADMEPairs -update")
}

// TestREADMEExamples runs the kldiv kl examples of README.md and compares
// their output with the text shown (a shown output ending in "..." is a
// prefix). A command reading "< pairs.jsonl" gets the next json block.
func TestREADMEExamples(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(raw)
	blocks := regexp.MustCompile("(?s)```(console|json)\n(.*?)```").FindAllStringSubmatchIndex(readme, -1)
	n := 0
	for bi, b := range blocks {
		if readme[b[2]:b[3]] != "console" {
			continue
		}
		text := readme[b[4]:b[5]]
		cmds := strings.Split("\n"+text, "\n$ ")[1:]
		for _, c := range cmds {
			// The command, with its continuation lines.
			var cmd strings.Builder
			rest := c
			for {
				line, after, _ := strings.Cut(rest, "\n")
				rest = after
				if strings.HasSuffix(line, "\\") {
					cmd.WriteString(strings.TrimSuffix(line, "\\"))
					continue
				}
				cmd.WriteString(line)
				break
			}
			args := shellWordsCLI(t, cmd.String())
			if len(args) == 0 || args[0] != "kldiv" || len(args) < 2 || args[1] != "kl" {
				continue
			}
			stdin := ""
			if k := len(args); k >= 2 && args[k-2] == "<" {
				args = args[:k-2]
				require.Less(t, bi+1, len(blocks))
				nb := blocks[bi+1]
				require.Equal(t, "json", readme[nb[2]:nb[3]], "the json block after %q", cmd.String())
				stdin = readme[nb[4]:nb[5]]
			}
			code, out, errs := runStdin(stdin, args[1:]...)
			shown := rest
			if out == "" {
				out = errs
			}
			assert.NotEqual(t, 3, code)
			if strings.HasSuffix(shown, "...\n") {
				assert.True(t, strings.HasPrefix(out, strings.TrimSuffix(shown, "...\n")), "%s:\ngot\n%s\nREADME shows\n%s", cmd.String(), out, shown)
			} else {
				assert.Equal(t, shown, out, "output of %s", cmd.String())
			}
			n++
		}
	}
	assert.GreaterOrEqual(t, n, 5, "README examples run")
}

// shellWordsCLI splits a command line with single quotes.
func shellWordsCLI(t *testing.T, s string) []string {
	var out []string
	var w strings.Builder
	in, quoted := false, false
	for _, r := range s {
		switch {
		case quoted:
			if r == '\'' {
				quoted = false
			} else {
				w.WriteRune(r)
			}
		case r == '\'':
			quoted, in = true, true
		case r == ' ' || r == '\t':
			if in {
				out = append(out, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	require.False(t, quoted, "unterminated quote in %q", s)
	if in {
		out = append(out, w.String())
	}
	return out
}

// TestKLPlot: --plot writes a PNG (or SVG) that decodes, and --plotly a
// JSON figure whose bar trace holds the three printed values.
func TestKLPlot(t *testing.T) {
	dir := t.TempDir()
	png, svg, js := filepath.Join(dir, "kl.png"), filepath.Join(dir, "kl.svg"), filepath.Join(dir, "kl.json")
	var out, errb bytes.Buffer
	code := runKL([]string{"Normal(0, 1)", "Normal(1, 2)", "--plot", png, "--plotly", js, "--json"}, nil, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	w, h, err := examplekit.CheckImage(png)
	require.NoError(t, err)
	assert.Greater(t, w, h, "bars and densities side by side")
	var rep struct {
		KLPQ struct{ Value float64 } `json:"kl_pq"`
		KLQP struct{ Value float64 } `json:"kl_qp"`
		JS   struct{ Value float64 } `json:"js"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	raw, err := os.ReadFile(js)
	require.NoError(t, err)
	var fig struct {
		Data []struct {
			Type string
			X    []any
			Y    []float64
		}
		Layout map[string]any
	}
	require.NoError(t, json.Unmarshal(raw, &fig))
	require.Len(t, fig.Data, 3, "bars, then the two densities")
	require.Equal(t, "bar", fig.Data[0].Type)
	require.Len(t, fig.Data[0].Y, 3)
	assert.InDelta(t, rep.KLPQ.Value, fig.Data[0].Y[0], 1e-12, "KL(P || Q) in the figure")
	assert.InDelta(t, rep.KLQP.Value, fig.Data[0].Y[1], 1e-12, "KL(Q || P) in the figure")
	assert.InDelta(t, rep.JS.Value, fig.Data[0].Y[2], 1e-12, "JS in the figure")
	// The analytic Normal-Normal KL.
	assert.InDelta(t, math.Log(2)+(1+1)/8.0-0.5, fig.Data[0].Y[0], 1e-12)
	assert.NotNil(t, fig.Layout["title"])

	code = runKL([]string{"Dirichlet([1, 2, 3])", "Dirichlet([2, 2, 2])", "--plot", svg, "--samples", "2000"}, nil, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(b[:200]), "<svg", "an SVG file")

	code = runKL([]string{"--batch", "--plot", png}, strings.NewReader(""), &out, &errb)
	assert.Equal(t, 2, code, "--plot with --batch is a usage error")
}
