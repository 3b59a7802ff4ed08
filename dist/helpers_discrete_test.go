package dist

import (
	"math"
	"math/big"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

// Test helpers of the discrete families. Reference values come from
// 256-bit arithmetic (math/big with the series below), from gonum, or
// from mpmath (testdata/gen_discrete_ref.py).

const precDiscrete = 256

// bfDiscrete returns x as a 256-bit big.Float (exactly).
func bfDiscrete(x float64) *big.Float { return new(big.Float).SetPrec(precDiscrete).SetFloat64(x) }

func f64Discrete(x *big.Float) float64 { v, _ := x.Float64(); return v }

var ln2Discrete = func() *big.Float {
	// log 2 = 2 atanh(1/3).
	return atanhSeriesDiscrete(new(big.Float).SetPrec(precDiscrete).Quo(bfDiscrete(1), bfDiscrete(3)), 2)
}()

// atanhSeriesDiscrete returns c Σ_k z^(2k+1)/(2k+1) = c atanh(z), |z| <= 1/3.
func atanhSeriesDiscrete(z *big.Float, c float64) *big.Float {
	z2 := new(big.Float).SetPrec(precDiscrete).Mul(z, z)
	pow := new(big.Float).SetPrec(precDiscrete).Set(z)
	s := new(big.Float).SetPrec(precDiscrete)
	for k := 0; k < 400 && pow.Sign() != 0; k++ {
		t := new(big.Float).SetPrec(precDiscrete).Quo(pow, bfDiscrete(float64(2*k+1)))
		s.Add(s, t)
		pow.Mul(pow, z2)
		if pow.MantExp(nil) < -precDiscrete-20+s.MantExp(nil) {
			break
		}
	}
	return s.Mul(s, bfDiscrete(c))
}

// logBigDiscrete returns log x for x > 0 to about 250 bits: x = m 2^e with
// m in [1/2, 1), log m = 2 atanh((m-1)/(m+1)).
func logBigDiscrete(x *big.Float) *big.Float {
	if x.Sign() <= 0 {
		panic("logBigDiscrete of a non-positive number")
	}
	m := new(big.Float).SetPrec(precDiscrete)
	e := x.MantExp(m)
	num := new(big.Float).SetPrec(precDiscrete).Sub(m, bfDiscrete(1))
	den := new(big.Float).SetPrec(precDiscrete).Add(m, bfDiscrete(1))
	l := atanhSeriesDiscrete(num.Quo(num, den), 2)
	return l.Add(l, new(big.Float).SetPrec(precDiscrete).Mul(ln2Discrete, bfDiscrete(float64(e))))
}

// expBigDiscrete returns e^x to about 250 bits: the Taylor series of
// x/2^s, squared s times.
func expBigDiscrete(x *big.Float) *big.Float {
	s := 0
	y := new(big.Float).SetPrec(precDiscrete).Set(x)
	for y.Sign() != 0 && y.MantExp(nil) > -8 {
		y.SetMantExp(y, -1)
		s++
	}
	term := bfDiscrete(1)
	sum := bfDiscrete(1)
	for k := 1; k < 200; k++ {
		term.Mul(term, y)
		term.Quo(term, bfDiscrete(float64(k)))
		sum.Add(sum, term)
		if term.Sign() == 0 || term.MantExp(nil) < -precDiscrete-20 {
			break
		}
	}
	for ; s > 0; s-- {
		sum.Mul(sum, sum)
	}
	return sum
}

// sigmoidBigDiscrete returns 1/(1 + e^-l) and 1/(1 + e^l) in big arithmetic.
func sigmoidBigDiscrete(l float64) (*big.Float, *big.Float) {
	e := expBigDiscrete(bfDiscrete(-l))
	one := bfDiscrete(1)
	den := new(big.Float).SetPrec(precDiscrete).Add(one, e)
	p := new(big.Float).SetPrec(precDiscrete).Quo(one, den)
	q := new(big.Float).SetPrec(precDiscrete).Sub(one, p)
	if l > 0 { // 1 - p loses digits: e/(1+e)
		q.Quo(e, den)
	}
	return p, q
}

// probBigDiscrete returns p and 1-p exactly (probs) or to 250 bits
// (logits).
func probBigDiscrete(v float64, logits bool) (*big.Float, *big.Float) {
	if logits {
		return sigmoidBigDiscrete(v)
	}
	p := bfDiscrete(v)
	return p, new(big.Float).SetPrec(precDiscrete).Sub(bfDiscrete(1), p)
}

// powBigDiscrete returns x^k for an integer k >= 0 by repeated squaring.
func powBigDiscrete(x *big.Float, k int) *big.Float {
	r := bfDiscrete(1)
	b := new(big.Float).SetPrec(precDiscrete).Set(x)
	for ; k > 0; k >>= 1 {
		if k&1 == 1 {
			r.Mul(r, b)
		}
		b.Mul(b, b)
	}
	return r
}

// powRealBigDiscrete returns x^r for x > 0 and real r as exp(r log x).
func powRealBigDiscrete(x *big.Float, r float64) *big.Float {
	if r == math.Floor(r) && r >= 0 && r < 1<<20 {
		return powBigDiscrete(x, int(r))
	}
	l := logBigDiscrete(x)
	return expBigDiscrete(l.Mul(l, bfDiscrete(r)))
}

// binomialBigDiscrete returns C(n, k) exactly.
func binomialBigDiscrete(n, k int) *big.Float {
	return new(big.Float).SetPrec(precDiscrete).SetInt(new(big.Int).Binomial(int64(n), int64(k)))
}

// pmfBigDiscrete is an exact mass function on k = 0, 1, ..., kmax.
type pmfBigDiscrete struct {
	mass func(k int) *big.Float
	kmax int
}

func binomialPMFBigDiscrete(n int, v float64, logits bool) pmfBigDiscrete {
	p, q := probBigDiscrete(v, logits)
	return pmfBigDiscrete{kmax: n, mass: func(k int) *big.Float {
		m := binomialBigDiscrete(n, k)
		m.Mul(m, powBigDiscrete(p, k))
		return m.Mul(m, powBigDiscrete(q, n-k))
	}}
}

func poissonPMFBigDiscrete(lam float64, kmax int) pmfBigDiscrete {
	l := bfDiscrete(lam)
	e := expBigDiscrete(bfDiscrete(-lam))
	return pmfBigDiscrete{kmax: kmax, mass: func(k int) *big.Float {
		m := new(big.Float).SetPrec(precDiscrete).Mul(e, powBigDiscrete(l, k))
		f := new(big.Float).SetPrec(precDiscrete).SetInt(new(big.Int).MulRange(1, int64(max(k, 1))))
		return m.Quo(m, f)
	}}
}

func geometricPMFBigDiscrete(v float64, logits bool, kmax int) pmfBigDiscrete {
	p, q := probBigDiscrete(v, logits)
	return pmfBigDiscrete{kmax: kmax, mass: func(k int) *big.Float {
		return new(big.Float).SetPrec(precDiscrete).Mul(p, powBigDiscrete(q, k))
	}}
}

// nbPMFBigDiscrete is NB(r, p) with torch's convention:
// Γ(k+r)/(Γ(r) k!) (1-p)^r p^k, the coefficient as Π_{m<k} (m+r)/(m+1).
func nbPMFBigDiscrete(r, v float64, logits bool, kmax int) pmfBigDiscrete {
	p, q := probBigDiscrete(v, logits)
	qr := powRealBigDiscrete(q, r)
	return pmfBigDiscrete{kmax: kmax, mass: func(k int) *big.Float {
		m := new(big.Float).SetPrec(precDiscrete).Mul(qr, powBigDiscrete(p, k))
		for i := 0; i < k; i++ {
			m.Mul(m, new(big.Float).SetPrec(precDiscrete).Add(bfDiscrete(float64(i)), bfDiscrete(r)))
			m.Quo(m, bfDiscrete(float64(i+1)))
		}
		return m
	}}
}

// klBigDiscrete returns Σ_k p_k log(p_k/q_k) over k = 0..p.kmax in 256-bit
// arithmetic (+Inf if some p_k > 0 has q_k = 0), and the mass of p it
// covered.
func klBigDiscrete(p, q pmfBigDiscrete) (float64, float64) {
	s := new(big.Float).SetPrec(precDiscrete)
	tot := new(big.Float).SetPrec(precDiscrete)
	for k := 0; k <= p.kmax; k++ {
		pk := p.mass(k)
		if pk.Sign() == 0 {
			continue
		}
		tot.Add(tot, pk)
		var qk *big.Float
		if k <= q.kmax {
			qk = q.mass(k)
		}
		if qk == nil || qk.Sign() == 0 {
			return math.Inf(1), f64Discrete(tot)
		}
		r := new(big.Float).SetPrec(precDiscrete).Quo(pk, qk)
		s.Add(s, new(big.Float).SetPrec(precDiscrete).Mul(pk, logBigDiscrete(r)))
	}
	return f64Discrete(s), f64Discrete(tot)
}

// jsBigDiscrete returns the Jensen-Shannon divergence of two mass functions
// on 0..max(kmax) in 256-bit arithmetic.
func jsBigDiscrete(p, q pmfBigDiscrete) float64 {
	s := new(big.Float).SetPrec(precDiscrete)
	half := bfDiscrete(0.5)
	for k := 0; k <= max(p.kmax, q.kmax); k++ {
		pk, qk := bfDiscrete(0), bfDiscrete(0)
		if k <= p.kmax {
			pk = p.mass(k)
		}
		if k <= q.kmax {
			qk = q.mass(k)
		}
		m := new(big.Float).SetPrec(precDiscrete).Add(pk, qk)
		m.Mul(m, half)
		for _, x := range []*big.Float{pk, qk} {
			if x.Sign() > 0 {
				r := new(big.Float).SetPrec(precDiscrete).Quo(x, m)
				t := new(big.Float).SetPrec(precDiscrete).Mul(x, logBigDiscrete(r))
				s.Add(s, t.Mul(t, half))
			}
		}
	}
	return f64Discrete(s)
}

// checkLogProbGradDiscrete checks the gradient of Σ LogProb with respect to
// every parameter by finite differences, the (discrete) value held
// constant.
func checkLogProbGradDiscrete(t *testing.T, build func(ps []ad.Var) Distribution, params []ad.Matrix, x ad.Matrix, opt *ad.CheckOptions) {
	t.Helper()
	xc := ad.Const(x.Rows, x.Cols, x.Data)
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return build(v).LogProb(xc)
	}, params, opt)
	assert.NoError(t, err, "LogProb gradient")
}

// checkFrequenciesDiscrete draws n samples from a 1-row d and asserts a
// Pearson chi-square goodness-of-fit test against pmf at the 0.1% level:
// the integer values are binned (bins with expected count < 5 merged into
// their neighbours, the last bin taking the rest of the mass) and
// X² = Σ (O - E)²/E must be below the 0.999 quantile of χ²(bins - 1).
// The seed is fixed, so the outcome is deterministic.
func checkFrequenciesDiscrete(t *testing.T, xs []float64, pmf func(k int) float64, label string) {
	t.Helper()
	n := float64(len(xs))
	counts := map[int]float64{}
	maxK := 0
	for _, x := range xs {
		if x != math.Floor(x) || x < 0 {
			require.Failf(t, "sample outside the support", "%s: sample %v", label, x)
		}
		k := int(x)
		counts[k]++
		maxK = max(maxK, k)
	}
	for k := range counts {
		require.Greater(t, pmf(k), 0.0, "%s: sample %d has mass 0", label, k)
	}
	type bin struct{ o, e float64 }
	var bins []bin
	var cur bin
	var cum float64
	for k := 0; ; k++ {
		e := n * pmf(k)
		cum += pmf(k)
		cur.o += counts[k]
		cur.e += e
		if cur.e >= 5 {
			bins = append(bins, cur)
			cur = bin{}
		}
		if k >= maxK && 1-cum < 1e-12 {
			break
		}
		if k > maxK+100000 {
			break
		}
	}
	// The rest of the mass and any partial bin join the last bin.
	cur.e += n * math.Max(0, 1-cum)
	if len(bins) > 0 {
		bins[len(bins)-1].o += cur.o
		bins[len(bins)-1].e += cur.e
	} else {
		bins = append(bins, cur)
	}
	require.Greater(t, len(bins), 1, "%s: need at least two bins", label)
	var x2 float64
	for _, b := range bins {
		x2 += (b.o - b.e) * (b.o - b.e) / b.e
	}
	crit := distuv.ChiSquared{K: float64(len(bins) - 1)}.Quantile(0.999)
	assert.Less(t, x2, crit, "%s: chi-square %v with %d bins", label, x2, len(bins))
}

// checkMomentsDiscrete is checkSampleMoments with a floor of 1e-12 on the
// variance's tolerance (a sample of a degenerate pmf has m4 = m2² = 0).
func checkMomentsDiscrete(t *testing.T, xs []float64, mean, vari, z float64, label string) {
	t.Helper()
	n := float64(len(xs))
	m, m2, m4 := sampleMoments(xs)
	assert.InDelta(t, mean, m, z*math.Sqrt(vari/n), "%s: sample mean", label)
	assert.InDelta(t, vari, m2, z*math.Sqrt((m4-m2*m2)/n)+1e-12, "%s: sample variance", label)
}

// logMassDiscrete returns LogProb(k) for k = 0..kmax for a 1x1
// univariate discrete d.
func logMassDiscrete(d Distribution, kmax int) []float64 {
	xs := make([]float64, kmax+1)
	for k := range xs {
		xs[k] = float64(k)
	}
	return d.LogProb(ad.Col(xs)).Value()
}

// sumMassDiscrete returns Σ_{k=0}^{kmax} exp(LogProb(k)) for a 1x1
// univariate d, with compensated summation.
func sumMassDiscrete(d Distribution, kmax int) float64 {
	lp := logMassDiscrete(d, kmax)
	var s kahan
	for _, v := range lp {
		s.add(math.Exp(v))
	}
	return s.sum()
}

// refDiscrete is one mpmath reference value from
// testdata/discrete_ref.json.
type refDiscrete struct {
	Name  string    `json:"name"`
	P     []float64 `json:"p"`
	Q     []float64 `json:"q"`
	Value float64   `json:"value"`
}

// loadRefsDiscrete reads testdata/discrete_ref.json, keyed by name.
func loadRefsDiscrete(t *testing.T) map[string]refDiscrete {
	t.Helper()
	var rs []refDiscrete
	readRef(t, "discrete_ref.json", &rs)
	m := map[string]refDiscrete{}
	for _, r := range rs {
		m[r.Name] = r
	}
	return m
}

// jsValueDiscrete returns JensenShannon(p, q) for 1-row distributions.
func jsValueDiscrete(t *testing.T, p, q Distribution) float64 {
	t.Helper()
	v, err := JensenShannon(p, q)
	require.NoError(t, err)
	require.Equal(t, 1, v.Len())
	return v.Value()[0]
}

// sortedDiscrete returns a sorted copy.
func sortedDiscrete(xs []float64) []float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s
}

// rngDiscrete returns a seeded generator.
func rngDiscrete(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// TestBigHelpersDiscrete checks the 256-bit log and exp against math.
func TestBigHelpersDiscrete(t *testing.T) {
	for _, x := range []float64{1e-300, 1e-10, 0.3, 2, 7.5, 1e10, 1e300} {
		assert.InEpsilon(t, math.Log(x), f64Discrete(logBigDiscrete(bfDiscrete(x))), 1e-15, "log %v", x)
	}
	assert.Equal(t, 0.0, f64Discrete(logBigDiscrete(bfDiscrete(1))))
	for _, x := range []float64{-700, -30, -1, -1e-10, 0, 1e-8, 0.5, 3, 40, 700} {
		assert.InEpsilon(t, math.Exp(x), f64Discrete(expBigDiscrete(bfDiscrete(x))), 1e-15, "exp %v", x)
	}
	// log(1 + 1e-30) = 1e-30 - 5e-61: the 256-bit log resolves it.
	one := new(big.Float).SetPrec(precDiscrete).Add(bfDiscrete(1), new(big.Float).SetPrec(precDiscrete).SetMantExp(bfDiscrete(1), -100))
	assert.InEpsilon(t, math.Ldexp(1, -100), f64Discrete(logBigDiscrete(one)), 1e-15)
}

// klGeometricBigDiscrete returns KL(Geometric(a) || Geometric(b)) as the
// sum over k = 0..kmax of a(1-a)^k [log(a/b) + k log((1-a)/(1-b))] in
// 256-bit arithmetic (masses by the recurrence p_{k+1} = (1-a) p_k, the
// two logarithms computed once).
func klGeometricBigDiscrete(av float64, la bool, bv float64, lb bool, kmax int) float64 {
	a, ac := probBigDiscrete(av, la)
	b, bc := probBigDiscrete(bv, lb)
	l1 := logBigDiscrete(new(big.Float).SetPrec(precDiscrete).Quo(a, b))
	if ac.Sign() == 0 {
		return f64Discrete(l1)
	}
	l0 := logBigDiscrete(new(big.Float).SetPrec(precDiscrete).Quo(ac, bc))
	m := new(big.Float).SetPrec(precDiscrete).Set(a)
	s := new(big.Float).SetPrec(precDiscrete)
	for k := 0; k <= kmax; k++ {
		r := new(big.Float).SetPrec(precDiscrete).Mul(l0, bfDiscrete(float64(k)))
		r.Add(r, l1)
		s.Add(s, r.Mul(r, m))
		m.Mul(m, ac)
	}
	return f64Discrete(s)
}

// klPoissonBigDiscrete returns KL(Poisson(l1) || Poisson(l2)) as the sum
// over k = 0..kmax of P(k) [k log(l1/l2) + l2 - l1] in 256-bit arithmetic
// (masses by the recurrence P(k+1) = P(k) l1/(k+1)).
func klPoissonBigDiscrete(l1, l2 float64, kmax int) float64 {
	if l1 == 0 {
		return l2
	}
	a, b := bfDiscrete(l1), bfDiscrete(l2)
	lr := logBigDiscrete(new(big.Float).SetPrec(precDiscrete).Quo(a, b))
	c := new(big.Float).SetPrec(precDiscrete).Sub(b, a)
	m := expBigDiscrete(bfDiscrete(-l1))
	s := new(big.Float).SetPrec(precDiscrete)
	for k := 0; k <= kmax; k++ {
		r := new(big.Float).SetPrec(precDiscrete).Mul(lr, bfDiscrete(float64(k)))
		r.Add(r, c)
		s.Add(s, r.Mul(r, m))
		m.Mul(m, a)
		m.Quo(m, bfDiscrete(float64(k+1)))
	}
	return f64Discrete(s)
}

// klNegBinBigDiscrete returns KL(NB(r1, a) || NB(r2, b)) (torch's
// convention) as the sum over k = 0..kmax of P(k) log(P(k)/Q(k)) in 256-bit
// arithmetic: P by the recurrence P(k+1) = P(k) a (k+r1)/(k+1) from
// (1-a)^r1, and log(P(k)/Q(k)) = r1 log(1-a) - r2 log(1-b) + k log(a/b)
// + log Π_{m<k} (m+r1)/(m+r2).
func klNegBinBigDiscrete(r1, av float64, la bool, r2, bv float64, lb bool, kmax int) float64 {
	a, ac := probBigDiscrete(av, la)
	b, bc := probBigDiscrete(bv, lb)
	if a.Sign() == 0 {
		l := logBigDiscrete(bc)
		return -f64Discrete(l.Mul(l, bfDiscrete(r2)))
	}
	c0 := new(big.Float).SetPrec(precDiscrete).Mul(logBigDiscrete(ac), bfDiscrete(r1))
	c0.Sub(c0, new(big.Float).SetPrec(precDiscrete).Mul(logBigDiscrete(bc), bfDiscrete(r2)))
	lab := logBigDiscrete(new(big.Float).SetPrec(precDiscrete).Quo(a, b))
	m := powRealBigDiscrete(ac, r1)
	prod := bfDiscrete(1)
	s := new(big.Float).SetPrec(precDiscrete)
	for k := 0; k <= kmax; k++ {
		kf := float64(k)
		r := new(big.Float).SetPrec(precDiscrete).Mul(lab, bfDiscrete(kf))
		r.Add(r, c0)
		r.Add(r, logBigDiscrete(prod))
		s.Add(s, r.Mul(r, m))
		kr1 := new(big.Float).SetPrec(precDiscrete).Add(bfDiscrete(kf), bfDiscrete(r1))
		kr2 := new(big.Float).SetPrec(precDiscrete).Add(bfDiscrete(kf), bfDiscrete(r2))
		m.Mul(m, a)
		m.Mul(m, kr1)
		m.Quo(m, bfDiscrete(kf+1))
		prod.Mul(prod, kr1)
		prod.Quo(prod, kr2)
	}
	return f64Discrete(s)
}

// momentsByMassDiscrete returns the mean and variance of a 1x1 univariate
// discrete d by summing k P(k) and (k - mean)² P(k) over k = 0..kmax.
func momentsByMassDiscrete(d Distribution, kmax int) (float64, float64) {
	lp := logMassDiscrete(d, kmax)
	var m kahan
	for k, v := range lp {
		m.add(float64(k) * math.Exp(v))
	}
	var s kahan
	for k, v := range lp {
		dk := float64(k) - m.sum()
		s.add(dk * dk * math.Exp(v))
	}
	return m.sum(), s.sum()
}

// checkParamGradsDiscrete checks by finite differences the gradients of
// Entropy, of the CDF at the 2 x 2 values cdfX and of Mean + Variance of
// a family given by probs (0.3, 0.8) and by logits (-0.4, 1.5):
// build(v, logits) returns it with parameter v.
func checkParamGradsDiscrete(t *testing.T, build func(v ad.Var, logits bool) Distribution, cdfX []float64) {
	t.Helper()
	for _, lg := range []bool{false, true} {
		in := row(0.3, 0.8)
		if lg {
			in = row(-0.4, 1.5)
		}
		err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return build(v[0], lg).(Entropic).Entropy() }, []ad.Matrix{in}, nil)
		assert.NoError(t, err, "entropy gradient (logits %v)", lg)
		err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			return build(v[0], lg).(CDFer).CDF(ad.Const(2, 2, cdfX))
		}, []ad.Matrix{in}, nil)
		assert.NoError(t, err, "CDF gradient (logits %v)", lg)
		err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			m := build(v[0], lg).(Moments)
			return ad.Add(m.Mean(), m.Variance())
		}, []ad.Matrix{in}, nil)
		assert.NoError(t, err, "moment gradients (logits %v)", lg)
	}
}

// eachForm calls f for p and q each given by probabilities and by
// logits: a and b are p's and q's probabilities, passed to f converted by
// logits where lp (lq) is set.
func eachForm[T any](a, b T, logits func(T) T, f func(a, b T, lp, lq bool)) {
	eachFormOf(a, logits(a), b, logits(b), f)
}

// eachFormOf calls f for p and q each given by probabilities and by
// logits: with p's parameter pProbs or pLogits (lp) and q's qProbs or
// qLogits (lq).
func eachFormOf[T any](pProbs, pLogits, qProbs, qLogits T, f func(p, q T, lp, lq bool)) {
	for _, lp := range []bool{false, true} {
		for _, lq := range []bool{false, true} {
			p, q := pProbs, qProbs
			if lp {
				p = pLogits
			}
			if lq {
				q = qLogits
			}
			f(p, q, lp, lq)
		}
	}
}

// checkEnumerateDiscrete checks the first points K = 0..last of d's
// Enumerate(0, 0) against the exact masses: each mass to relative tol,
// and each tail bound: P(X > K), summed over the next terms points, is at
// most Tail.
func checkEnumerateDiscrete(t *testing.T, d Enumerable, exact pmfBigDiscrete, tol float64, terms, last int) {
	t.Helper()
	for m := range d.Enumerate(0, 0) {
		assertRel(t, f64Discrete(exact.mass(m.K)), m.Mass, tol, "mass %d", m.K)
		rest := bfDiscrete(0)
		for k := m.K + 1; k < m.K+terms; k++ {
			rest.Add(rest, exact.mass(k))
		}
		assert.LessOrEqual(t, f64Discrete(rest), m.Tail*(1+1e-12), "tail bound at %d", m.K)
		if m.K == last {
			break
		}
	}
}
