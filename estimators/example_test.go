package estimators_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/estimators"
)

// A Monte Carlo KL estimate with its standard error, next to the closed
// form for the same pair. The estimate is the same for a seed whatever
// GOMAXPROCS is.
func ExampleKL() {
	p := dist.Must(dist.NewNormal(0, 1))
	q := dist.Must(dist.NewNormal(1, 2))
	rng := rand.New(rand.NewPCG(1, 2))
	est, err := estimators.KL(rng, p, q, 100000, estimators.K3)
	if err != nil {
		panic(err)
	}
	exact, _ := dist.KL(p, q)
	e := est[0]
	fmt.Printf("closed form %.3f\n", exact.Scalar())
	fmt.Printf("within 4 standard errors: %v (%s, n = %d)\n", math.Abs(e.Value-exact.Scalar()) < 4*e.StdErr, e.Method, e.N)
	// Output:
	// closed form 0.443
	// within 4 standard errors: true (monte-carlo, n = 100000)
}

// A support mismatch gives +Inf, never NaN: a Normal puts mass outside
// the distribution q below, whose log-density is -Inf off [-1, 1].
func ExampleKL_supportMismatch() {
	p := dist.Must(dist.NewNormal(0, 1))
	q := interval{}
	est, err := estimators.KL(rand.New(rand.NewPCG(1, 2)), p, q, 1000, estimators.K1)
	if err != nil {
		panic(err)
	}
	fmt.Println(est[0].Value, est[0].StdErr)
	// Output: +Inf 0
}

// interval is the uniform distribution on [-1, 1], just enough of a
// dist.Distribution for ExampleKL_supportMismatch.
type interval struct{}

func (interval) Shape() (int, int)     { return 1, 1 }
func (interval) Support() dist.Support { return dist.Real{} }
func (interval) Validate() error       { return nil }
func (interval) LogProb(x ad.Var) ad.Var {
	out := make([]float64, x.Rows())
	for i, v := range x.Value() {
		out[i] = math.Inf(-1)
		if v >= -1 && v <= 1 {
			out[i] = -math.Ln2
		}
	}
	return ad.Col(out)
}
func (interval) Sample(rng *rand.Rand, n int) ad.Var {
	out := make([]float64, n)
	for i := range out {
		out[i] = 2*rng.Float64() - 1
	}
	return ad.Col(out)
}

// The Jensen-Shannon divergence is bounded by log 2.
func ExampleJS() {
	p := dist.Must(dist.NewNormal(0, 1))
	q := dist.Must(dist.NewNormal(3, 1))
	est, err := estimators.JS(rand.New(rand.NewPCG(3, 4)), p, q, 50000)
	if err != nil {
		panic(err)
	}
	e := est[0]
	fmt.Printf("0 <= JS <= log 2: %v; standard error below 0.005: %v\n", e.Value >= 0 && e.Value <= math.Ln2, e.StdErr < 0.005)
	// Output: 0 <= JS <= log 2: true; standard error below 0.005: true
}

// Pareto-smoothed importance sampling diagnoses a proposal that is too
// narrow for its target: N(0, 1) from N(0, 0.3²) has weights with a
// Pareto tail of shape 1 - 0.3² = 0.91 (infinite variance), while a wider
// proposal gives bounded weights.
func ExamplePSIS() {
	target := dist.Must(dist.NewNormal(0, 1))
	for _, s := range []float64{0.3, 1.5} {
		proposal := dist.Must(dist.NewNormal(0, s))
		_, logw := estimators.ImportanceSample(rand.New(rand.NewPCG(5, 6)), target, proposal, 4000)
		_, khat, err := estimators.PSIS(logw)
		if err != nil {
			panic(err)
		}
		fmt.Printf("proposal scale %.1f: reliable %v\n", s, khat < estimators.KhatThreshold(4000))
	}
	// Output:
	// proposal scale 0.3: reliable false
	// proposal scale 1.5: reliable true
}

// Self-normalized importance sampling of E[x] under N(1, 0.8²) from a
// wider proposal, with the effective sample size.
func ExampleSNIS() {
	target := dist.Must(dist.NewNormal(1, 0.8))
	proposal := dist.Must(dist.NewNormal(0, 1.5))
	x, logw := estimators.ImportanceSample(rand.New(rand.NewPCG(7, 8)), target, proposal, 20000)
	e := estimators.SNIS(logw, x.Value())
	fmt.Printf("E[x] within 4 se of 1: %v; ESS above a third of n: %v\n", math.Abs(e.Value-1) < 4*e.StdErr, estimators.ESS(logw) > 20000.0/3)
	// Output: E[x] within 4 se of 1: true; ESS above a third of n: true
}

// LogMeanExp does not overflow where the naive formula does.
func ExampleLogMeanExp() {
	x := []float64{1000, 1000}
	fmt.Println(estimators.LogMeanExp(x), math.Log((math.Exp(x[0])+math.Exp(x[1]))/2))
	// Output: 1000 +Inf
}

// A score-function (REINFORCE) gradient with the leave-one-out baseline,
// for a distribution treated as not reparameterizable: the gradient of
// E[x²] = θ² + 1 under N(θ, 1) is 2θ = 3 at θ = 1.5. One Backward of the
// surrogate gives the estimate; averaged over 2000 steps of 8 draws it is
// close to 3.
func ExampleScoreSurrogateLOO() {
	rng := rand.New(rand.NewPCG(9, 10))
	tape := ad.NewTape()
	theta := ad.NewParam("theta", 1, 1, []float64{1.5})
	var sum float64
	const steps = 2000
	for range steps {
		tape.Reset()
		theta.ZeroGrad()
		q := dist.Normal{Loc: tape.Param(theta), Scale: ad.Scalar(1)}
		x := q.Sample(rng, 8) // a free constant: no pathwise gradient
		f := make([]float64, 8)
		for i, v := range x.Value() {
			f[i] = v * v
		}
		tape.Backward(estimators.ScoreSurrogateLOO(q.LogProb(x), f))
		sum += theta.Grad[0]
	}
	fmt.Printf("mean gradient %.1f\n", sum/steps)
	// Output: mean gradient 3.0
}

// Blocks gives each block its own random stream, so the sum below is the
// same for any GOMAXPROCS.
func ExampleBlocks() {
	sums := estimators.Blocks(42, 10000, 1000, func(rng *rand.Rand, _, lo, hi int) float64 {
		var s float64
		for range hi - lo {
			s += rng.Float64()
		}
		return s
	})
	var total float64
	for _, s := range sums { // combine in block order
		total += s
	}
	fmt.Printf("%d blocks, mean %.2f\n", len(sums), total/10000)
	// Output: 10 blocks, mean 0.50
}
