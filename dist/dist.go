package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
)

// Distribution is a batch of probability distributions over rows.
//
// Its parameters broadcast to B rows (the batch; 1 when shared) and its
// values have C columns (the event width). Univariate families treat the
// columns of a value as independent components, so their log-density is
// the sum over columns; multivariate families score a row jointly.
type Distribution interface {
	// Shape returns the batch size B and the event width C.
	Shape() (batch, event int)
	// LogProb returns the log-density (or log-mass) of each row of x as an
	// R x 1 value. x has C columns and R rows, where R is B, a multiple of
	// B (row i scored under batch member i mod B), or any R when B is 1.
	// Values outside the support get -Inf. It panics if x does not fit.
	LogProb(x ad.Var) ad.Var
	// Sample draws n values from each batch member as an n*B x C free
	// constant; row k*B+b is the k-th draw from member b.
	Sample(rng *rand.Rand, n int) ad.Var
	// Support returns the set the values lie in.
	Support() Support
	// Validate returns an error naming the first parameter whose current
	// value is invalid, or nil.
	Validate() error
}

// Reparameterized is a Distribution whose samples are differentiable
// functions of its parameters (pathwise gradients).
type Reparameterized interface {
	Distribution
	// Rsample draws n values from each batch member (laid out as Sample)
	// as a value recorded on the parameters' tape, differentiable with
	// respect to the parameters.
	Rsample(rng *rand.Rand, n int) ad.Var
}

// Entropic is a Distribution with a closed-form entropy.
type Entropic interface {
	Distribution
	// Entropy returns the differential entropy (nats) of each batch member,
	// B x 1.
	Entropy() ad.Var
}

// Moments is a Distribution with a closed-form mean and variance.
type Moments interface {
	Distribution
	// Mean returns the mean of each batch member, B x C (NaN or +Inf where
	// it does not exist).
	Mean() ad.Var
	// Variance returns the element-wise variance, B x C.
	Variance() ad.Var
}

// CDFer is a univariate Distribution with a closed-form cumulative
// distribution function.
type CDFer interface {
	Distribution
	// CDF returns P(X <= x) element-wise, R x C.
	CDF(x ad.Var) ad.Var
}

// ParamError reports an invalid parameter value.
type ParamError struct {
	Family string  // distribution family, e.g. "Normal"
	Param  string  // parameter name, torch-style, e.g. "scale"
	Index  int     // index of the offending element in the row-major parameter
	Value  float64 // the offending value
	Want   string  // what was expected, e.g. "> 0"
}

// Error implements error.
func (e *ParamError) Error() string {
	return fmt.Sprintf("dist: %s: %s[%d] = %v, want %s", e.Family, e.Param, e.Index, e.Value, e.Want)
}

// Must returns d, panicking if err is not nil. It is meant for parameters
// that are literals in a program, where an invalid value is a programmer
// error: m := dist.Must(dist.NewNormal(0, 1)).
func Must[D any](d D, err error) D {
	if err != nil {
		panic(err)
	}
	return d
}

// check returns a ParamError for the first element of v that fails ok.
func check(family, param string, v ad.Var, want string, ok func(float64) bool) error {
	if v == (ad.Var{}) {
		return fmt.Errorf("dist: %s: parameter %s is missing", family, param)
	}
	for i, x := range v.Value() {
		if !ok(x) {
			return &ParamError{Family: family, Param: param, Index: i, Value: x, Want: want}
		}
	}
	return nil
}

func finite(x float64) bool   { return !math.IsNaN(x) && !math.IsInf(x, 0) }
func positive(x float64) bool { return x > 0 && !math.IsInf(x, 1) }
func unitOpen(x float64) bool { return x > 0 && x < 1 }
func unitClosed(x float64) bool {
	return x >= 0 && x <= 1
}

// checkReal, checkPositive, ... are the usual parameter checks. The two
// most common run a tight loop first (no call per element; large
// parameters are scanned in parallel) and fall back to check for the
// error.
func checkReal(family, param string, v ad.Var) error {
	if v != (ad.Var{}) && allPass(v.Value(), allFinite) {
		return nil
	}
	return check(family, param, v, "a finite number", finite)
}

func checkPositive(family, param string, v ad.Var) error {
	if v != (ad.Var{}) && allPass(v.Value(), allPositive) {
		return nil
	}
	return check(family, param, v, "a finite number > 0", positive)
}

// allFinite reports whether every element of x is finite. It works on the
// bits without a branch per element: with the sign cleared, a float64 is
// finite exactly when its bits are below those of +Inf, so the running
// maximum of the cleared bits decides (four accumulators, so that the
// loop is bound by loads rather than by the max chain).
func allFinite(x []float64) bool {
	const inf = 0x7FF0000000000000
	const abs = 1<<63 - 1
	var m0, m1, m2, m3 uint64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		m0 = max(m0, math.Float64bits(x[i])&abs)
		m1 = max(m1, math.Float64bits(x[i+1])&abs)
		m2 = max(m2, math.Float64bits(x[i+2])&abs)
		m3 = max(m3, math.Float64bits(x[i+3])&abs)
	}
	for ; i < len(x); i++ {
		m0 = max(m0, math.Float64bits(x[i])&abs)
	}
	return max(m0, m1, m2, m3) < inf
}

// allPositive reports whether every element of x is finite and > 0. On
// the bits: x is in (0, MaxFloat64] exactly when bits-1 (unsigned, so that
// +0 wraps around) is below the bits of +Inf minus one; negative numbers
// have the sign bit set and fail too.
func allPositive(x []float64) bool {
	const lim = 0x7FF0000000000000 - 1
	var m0, m1, m2, m3 uint64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		m0 = max(m0, math.Float64bits(x[i])-1)
		m1 = max(m1, math.Float64bits(x[i+1])-1)
		m2 = max(m2, math.Float64bits(x[i+2])-1)
		m3 = max(m3, math.Float64bits(x[i+3])-1)
	}
	for ; i < len(x); i++ {
		m0 = max(m0, math.Float64bits(x[i])-1)
	}
	return max(m0, m1, m2, m3) < lim
}

// allPass reports whether ok holds on every chunk of x, scanning large
// slices in parallel.
func allPass(x []float64, ok func([]float64) bool) bool {
	const chunk = 1 << 16
	if len(x) <= chunk {
		return ok(x)
	}
	n := (len(x) + chunk - 1) / chunk
	res := make([]bool, n)
	par.For(n, 2, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			res[i] = ok(x[i*chunk : min((i+1)*chunk, len(x))])
		}
	})
	for _, r := range res {
		if !r {
			return false
		}
	}
	return true
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// paramShape returns the broadcast shape (B, C) of parameters, panicking
// with a message naming the family if they do not broadcast. Rows broadcast
// when equal or 1; columns likewise.
func paramShape(family string, ps ...ad.Var) (int, int) {
	b, c := 1, 1
	for _, p := range ps {
		r, k := p.Shape()
		nb, okb := bdim(b, r)
		nc, okc := bdim(c, k)
		if !okb || !okc {
			panic(fmt.Sprintf("dist: %s: parameter shapes do not broadcast (%dx%d with %dx%d)", family, b, c, r, k))
		}
		b, c = nb, nc
	}
	return b, c
}

func bdim(a, b int) (int, bool) {
	switch {
	case a == b:
		return a, true
	case a == 1:
		return b, true
	case b == 1:
		return a, true
	}
	return 0, false
}

// grid returns the R x C grid on which a value x is scored against
// parameters of broadcast shape B x C. R is the larger of x's rows and B,
// and the smaller must divide it: a value with fewer rows than the batch is
// tiled (row i reads value row i mod rows, e.g. B data points against K*B
// particle rows), and a batch with fewer rows than the value is tiled the
// same way. x's columns must be C or 1 (or C is 1). It panics with a
// message naming the family and method.
func grid(family, method string, x ad.Var, b, c int) (int, int) {
	r, k := x.Shape()
	cc, ok := bdim(k, c)
	if !ok {
		panic(fmt.Sprintf("dist: %s.%s: value has %d columns, distribution has %d", family, method, k, c))
	}
	rr := max(r, b)
	if r == 0 || b == 0 || rr%r != 0 || rr%b != 0 {
		panic(fmt.Sprintf("dist: %s.%s: value has %d rows and the batch %d: neither divides the other", family, method, r, b))
	}
	return rr, cc
}

// view reads a parameter or value broadcast over an R x C grid: element
// (i, j) is v[(i mod rows)*cols + j*cs].
type view struct {
	v          []float64
	rows, cols int
	cs         int
}

func viewOf(x ad.Var) view {
	r, c := x.Shape()
	cs := 1
	if c == 1 {
		cs = 0
	}
	return view{v: x.Value(), rows: r, cols: c, cs: cs}
}

// row returns the base offset of grid row i.
func (w view) row(i int) int {
	switch {
	case w.rows == 1:
		return 0
	case i < w.rows:
		return i * w.cols
	}
	return (i % w.rows) * w.cols
}

// at returns element (i, j) of the grid.
func (w view) at(i, j int) float64 { return w.v[w.row(i)+j*w.cs] }

// expand returns p broadcast to b x c as a new value (recorded when p is).
func expand(p ad.Var, b, c int) ad.Var {
	r, k := p.Shape()
	if r == b && k == c {
		return p
	}
	if r != 1 && r != b || k != 1 && k != c {
		panic(fmt.Sprintf("dist: cannot expand %dx%d to %dx%d", r, k, b, c))
	}
	t := p.Tape()
	var z ad.Var
	if t != nil {
		z = t.Full(b, c, 0)
	} else {
		z = ad.Full(b, c, 0)
	}
	return ad.Add(z, p)
}

// scalar is shorthand for a free 1x1 constant.
func scalar(x float64) ad.Var { return ad.Scalar(x) }

// tapeOf returns the tape of the first recorded Var, or nil.
func tapeOf(vs ...ad.Var) *ad.Tape {
	for _, v := range vs {
		if t := v.Tape(); t != nil {
			return t
		}
	}
	return nil
}

const (
	logSqrt2Pi = 0.91893853320467274178032973640562 // log √(2π)
	eulerGamma = 0.57721566490153286060651209008240
)

// checkShapes returns an error when parameters do not broadcast together.
func checkShapes(family string, names []string, ps ...ad.Var) error {
	b, c := 1, 1
	for i, p := range ps {
		if p == (ad.Var{}) {
			return fmt.Errorf("dist: %s: parameter %s is missing", family, names[i])
		}
		r, k := p.Shape()
		nb, okb := bdim(b, r)
		nc, okc := bdim(c, k)
		if !okb || !okc {
			return fmt.Errorf("dist: %s: parameter %s is %dx%d, which does not broadcast with the others (%dx%d)", family, names[i], r, k, b, c)
		}
		b, c = nb, nc
	}
	return nil
}

// jointEvent is implemented by multivariate families, whose parameters'
// columns are not the value's columns one for one (MultivariateNormal,
// Dirichlet, Categorical, ...). Expanded broadcasts only the rows of their
// parameters.
type jointEvent interface{ jointEvent() }
