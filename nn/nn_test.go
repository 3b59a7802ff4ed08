package nn

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

// mapBinder records chosen parameters as the differentiable inputs that
// CheckGrad hands out, so that layer gradients are checked with respect to
// weights and biases too.
type mapBinder map[*ad.Param]ad.Var

func (m mapBinder) Bind(p *ad.Param) ad.Var { return m[p] }

func testInput(rng *rand.Rand, r, c int) ad.Matrix {
	d := make([]float64, r*c)
	for i := range d {
		d[i] = 2 * rng.NormFloat64()
	}
	return ad.Matrix{Rows: r, Cols: c, Data: d}
}

func TestActivationGradients(t *testing.T) {
	acts := []Activation{ReLU, LeakyReLU(0.1), ELU(1), ELU(0.5), GELU, Tanh, Sigmoid, Softplus, Identity}
	rng := rand.New(rand.NewPCG(1, 2))
	x := testInput(rng, 5, 7)
	// Keep clear of the kinks of ReLU-like functions, where finite
	// differences straddle two slopes.
	for i, v := range x.Data {
		if math.Abs(v) < 1e-3 {
			x.Data[i] = 0.5
		}
	}
	for _, a := range acts {
		err := ad.CheckGrad(func(_ *ad.Tape, in []ad.Var) ad.Var { return a.Apply(in[0]) }, []ad.Matrix{x}, nil)
		assert.NoError(t, err, "%s", a)
	}
}

func TestActivationValues(t *testing.T) {
	xs := []float64{-30, -3, -1, -0.25, 0, 0.25, 1, 3, 30}
	x := ad.Const(1, len(xs), xs)
	norm := distuv.UnitNormal
	cases := []struct {
		a    Activation
		want func(float64) float64
	}{
		{ReLU, func(v float64) float64 { return math.Max(v, 0) }},
		{LeakyReLU(0.01), func(v float64) float64 {
			if v < 0 {
				return 0.01 * v
			}
			return v
		}},
		{ELU(2), func(v float64) float64 {
			if v > 0 {
				return v
			}
			return 2 * (math.Exp(v) - 1)
		}},
		{GELU, func(v float64) float64 { return v * norm.CDF(v) }},
		{Tanh, math.Tanh},
		{Sigmoid, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }},
		{Softplus, func(v float64) float64 { return math.Log1p(math.Exp(v)) }},
	}
	for _, c := range cases {
		got := c.a.Apply(x).Value()
		for i, v := range xs {
			assert.InDelta(t, c.want(v), got[i], 1e-12*math.Max(1, math.Abs(v)), "%s(%g)", c.a, v)
		}
	}
	assert.Equal(t, "LeakyReLU(0.01)", LeakyReLU(0.01).String())
	assert.Equal(t, "Identity", Identity.String())
}

func TestLinearGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	l := NewLinear("fc", 4, 3, rng)
	x := testInput(rng, 6, 4)
	err := ad.CheckGrad(func(_ *ad.Tape, in []ad.Var) ad.Var {
		b := mapBinder{l.Weight: in[1], l.Bias: in[2]}
		return l.Forward(b, in[0])
	}, []ad.Matrix{x, {Rows: 3, Cols: 4, Data: l.Weight.Val}, {Rows: 1, Cols: 3, Data: l.Bias.Val}}, nil)
	require.NoError(t, err)

	// The forward value against an explicit loop.
	tp := ad.NewTape()
	y := l.Forward(On(tp), tp.Const(x.Rows, x.Cols, x.Data))
	for i := 0; i < 6; i++ {
		for o := 0; o < 3; o++ {
			s := l.Bias.Val[o]
			for k := 0; k < 4; k++ {
				s += x.Data[i*4+k] * l.Weight.Val[o*4+k]
			}
			assert.InDelta(t, s, y.At(i, o), 1e-13, "y[%d,%d]", i, o)
		}
	}
}

func TestMLPGradientAndNames(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := NewMLP("enc", []int{5, 4, 3, 2}, ELU(1), rng)
	ps := m.Params()
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	assert.Equal(t, []string{"enc.0.weight", "enc.0.bias", "enc.2.weight", "enc.2.bias", "enc.4.weight", "enc.4.bias"}, names)
	inputs := []ad.Matrix{testInput(rng, 3, 5)}
	for _, p := range ps {
		inputs = append(inputs, ad.Matrix{Rows: p.Rows, Cols: p.Cols, Data: p.Val})
	}
	err := ad.CheckGrad(func(_ *ad.Tape, in []ad.Var) ad.Var {
		b := mapBinder{}
		for i, p := range ps {
			b[p] = in[i+1]
		}
		return m.Forward(b, in[0])
	}, inputs, nil)
	require.NoError(t, err)
}

// Each scheme draws within its bounds with the stated variance, checked to
// 4 standard errors of the sample variance over 313,600 weights.
func TestLinearInit(t *testing.T) {
	const in, out = 784, 400
	n := float64(in * out)
	cases := []struct {
		init      Init
		bound     float64 // 0: unbounded (normal)
		variance  float64
		kurtosis  float64 // E[w^4]/var^2, for the standard error of the variance
		biasBound float64 // -1: zero bias
	}{
		{InitTorch, 1 / math.Sqrt(in), 1.0 / (3 * in), 1.8, 1 / math.Sqrt(in)},
		{InitGlorot, math.Sqrt(6.0 / (in + out)), 2.0 / (in + out), 1.8, -1},
		{InitHe, 0, 2.0 / in, 3, -1},
	}
	for _, c := range cases {
		l := NewLinear("l", in, out, rand.New(rand.NewPCG(7, uint64(c.init))), WithInit(c.init))
		var ss, mx float64
		for _, w := range l.Weight.Val {
			ss += w * w
			mx = math.Max(mx, math.Abs(w))
		}
		v := ss / n
		se := c.variance * math.Sqrt((c.kurtosis-1)/n)
		assert.InDelta(t, c.variance, v, 4*se, "%s: weight variance", c.init)
		if c.bound > 0 {
			assert.LessOrEqual(t, mx, c.bound, "%s: weight bound", c.init)
			assert.Greater(t, mx, 0.999*c.bound, "%s: weights reach the bound", c.init)
		}
		if c.biasBound < 0 {
			assert.Equal(t, make([]float64, out), l.Bias.Val, "%s: zero bias", c.init)
		} else {
			var bm float64
			for _, b := range l.Bias.Val {
				bm = math.Max(bm, math.Abs(b))
			}
			assert.LessOrEqual(t, bm, c.biasBound, "%s: bias bound", c.init)
			assert.Greater(t, bm, 0.95*c.biasBound, "%s: bias fills its range", c.init)
		}
	}
	// Seeded: the same seed gives the same weights.
	a := NewLinear("a", 3, 2, rand.New(rand.NewPCG(1, 1)))
	b := NewLinear("b", 3, 2, rand.New(rand.NewPCG(1, 1)))
	assert.Equal(t, a.Weight.Val, b.Weight.Val)
	assert.Nil(t, NewLinear("c", 3, 2, rand.New(rand.NewPCG(1, 1)), NoBias()).Bias)
}

func TestSaveLoadRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	m := NewMLP("dec", []int{3, 4, 2}, ReLU, rng)
	ps := m.Params()
	// Awkward bit patterns survive too.
	ps[0].Val[0] = math.Copysign(0, -1)
	ps[0].Val[1] = math.Inf(-1)
	ps[0].Val[2] = math.Float64frombits(0x7ff8000000000123) // a NaN payload
	ps[0].Val[3] = math.SmallestNonzeroFloat64
	var buf bytes.Buffer
	require.NoError(t, Save(&buf, ps, map[string]string{"format": "pt"}))
	assert.Zero(t, (binary.LittleEndian.Uint64(buf.Bytes())+8)%8, "data section is 8-byte aligned")
	st, err := Load(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, "pt", st.Metadata["format"])
	require.Len(t, st.Tensors, 4)
	assert.Equal(t, []int{4, 3}, st.Tensor("dec.0.weight").Shape)
	assert.Equal(t, []int{4}, st.Tensor("dec.0.bias").Shape, "torch's 1-D bias")

	m2 := NewMLP("dec", []int{3, 4, 2}, ReLU, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, st.Into(m2.Params()))
	for i, p := range m2.Params() {
		for k := range p.Val {
			assert.Equal(t, math.Float64bits(ps[i].Val[k]), math.Float64bits(p.Val[k]), "%s[%d]", p.Name, k)
		}
	}

	// File round trip.
	path := t.TempDir() + "/state.safetensors"
	require.NoError(t, SaveFile(path, ps, nil))
	st2, err := LoadFile(path)
	require.NoError(t, err)
	assert.Equal(t, st.Tensors[1].Data, st2.Tensors[1].Data)

	// Loading into a mismatching network fails with the name.
	wrong := NewMLP("dec", []int{3, 5, 2}, ReLU, rng)
	assert.ErrorContains(t, st.Into(wrong.Params()), "dec.0.weight")
	other := NewMLP("enc", []int{3, 4, 2}, ReLU, rng)
	assert.ErrorContains(t, st.Into(other.Params()), "no tensor \"enc.0.weight\"")
	assert.ErrorContains(t, st.Into(ps[:2]), "matches no parameter")
	assert.Error(t, Save(&buf, []*ad.Param{ps[0], ps[0]}, nil), "duplicate names")
}

// A file written by hand from the format description, with an F32 tensor
// as torch writes them.
func handFile(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func TestLoadF32(t *testing.T) {
	var data []byte
	for _, v := range []float32{1.5, -2, 0.1} {
		data = binary.LittleEndian.AppendUint32(data, math.Float32bits(v))
	}
	data = binary.LittleEndian.AppendUint64(data, math.Float64bits(math.Pi))
	f := handFile(`{"w":{"dtype":"F32","shape":[1,3],"data_offsets":[0,12]},"b":{"dtype":"F64","shape":[],"data_offsets":[12,20]}}`, data)
	st, err := Load(bytes.NewReader(f))
	require.NoError(t, err)
	assert.Equal(t, []float64{1.5, -2, float64(float32(0.1))}, st.Tensor("w").Data)
	assert.Equal(t, []float64{math.Pi}, st.Tensor("b").Data)
	assert.Equal(t, "w", st.Tensors[0].Name, "file order")
}

func TestLoadMalformed(t *testing.T) {
	eight := make([]byte, 8)
	cases := map[string][]byte{
		"header length":  {1, 2, 3},
		"too long":       binary.LittleEndian.AppendUint64(nil, 1<<40),
		"not json":       handFile(`{"w":`, nil),
		"dtype":          handFile(`{"w":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}`, []byte{1}),
		"gap":            handFile(`{"w":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}`, append(eight, eight...)),
		"size":           handFile(`{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}`, eight),
		"negative shape": handFile(`{"w":{"dtype":"F64","shape":[-1],"data_offsets":[0,8]}}`, eight),
		"short data":     handFile(`{"w":{"dtype":"F64","shape":[1000000],"data_offsets":[0,8000000]}}`, eight),
		"overlap":        handFile(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, eight),
		"unknown field":  handFile(`{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8],"x":1}}`, eight),
		"metadata":       handFile(`{"__metadata__":{"a":1}}`, nil),
	}
	for name, b := range cases {
		_, err := Load(bytes.NewReader(b))
		assert.Error(t, err, name)
	}
}

func FuzzLoad(f *testing.F) {
	var buf bytes.Buffer
	m := NewMLP("m", []int{2, 2}, ReLU, rand.New(rand.NewPCG(1, 1)))
	if err := Save(&buf, m.Params(), map[string]string{"k": "v"}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(handFile(`{"w":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]}}`, []byte{0, 0, 128, 63}))
	f.Add(handFile(`{}`, nil))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := Load(bytes.NewReader(b))
		if err != nil {
			return
		}
		// A state that loads saves and loads again to the same values.
		var ps []*ad.Param
		for _, tn := range st.Tensors {
			n := len(tn.Data)
			if n == 0 {
				return
			}
			p := ad.NewParam(tn.Name, 1, n, tn.Data)
			ps = append(ps, p)
		}
		var out bytes.Buffer
		if err := Save(&out, ps, st.Metadata); err != nil {
			return // e.g. a name Save refuses
		}
		st2, err := Load(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("reload: %v", err)
		}
		for i := range ps {
			a, b := st.Tensors[i].Data, st2.Tensors[i].Data
			for k := range a {
				if math.Float64bits(a[k]) != math.Float64bits(b[k]) {
					t.Fatalf("tensor %d element %d changed", i, k)
				}
			}
		}
	})
}
