package loss

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

type refMatrix struct {
	Rows, Cols int
	Data       []float64
}

type refCase struct {
	Kind, Name, Reduction string
	LogTarget             bool `json:"log_target"`
	Input, Target         refMatrix
	Value, Weights        []float64
	GradInput             []float64 `json:"grad_input"`
}

var reductions = map[string]Reduction{"none": None, "sum": Sum, "mean": Mean, "batchmean": BatchMean}

// TestKLDivTorch compares KLDiv's values and input gradients with
// torch.nn.functional.kl_div (testdata/torch_reference.py).
func TestKLDivTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_reference.json")
	require.NoError(t, err)
	var ref struct{ Cases []refCase }
	require.NoError(t, json.Unmarshal(raw, &ref))
	n := 0
	for _, c := range ref.Cases {
		if c.Kind != "kl_div" {
			continue
		}
		n++
		opt := KLDivOptions{Reduction: reductions[c.Reduction], LogTarget: c.LogTarget}
		tp := ad.NewTape()
		x := tp.Input(c.Input.Rows, c.Input.Cols, c.Input.Data)
		y := ad.Const(c.Target.Rows, c.Target.Cols, c.Target.Data)
		out := KLDiv(x, y, opt)
		require.Len(t, out.Value(), len(c.Value), c.Name)
		for k, v := range c.Value {
			assert.InDelta(t, v, out.Value()[k], 1e-12, "%s %s value %d", c.Name, c.Reduction, k)
		}
		w := ad.Const(out.Rows(), out.Cols(), c.Weights)
		g := tp.Gradient(ad.Sum(ad.Mul(out, w)), x)[0]
		for k, v := range c.GradInput {
			assert.InDelta(t, v, g[k], 1e-12, "%s %s grad %d", c.Name, c.Reduction, k)
		}
		// the plain-slice version agrees with the ad one
		if c.Reduction != "none" {
			assert.InDelta(t, out.Scalar(), KLDivFloats(nil, c.Input.Data, c.Target.Data, c.Input.Cols, opt), 1e-13, c.Name)
		}
	}
	require.Equal(t, 20, n)
}

func TestKLDivGrad(t *testing.T) {
	in := ad.Matrix{Rows: 2, Cols: 3, Data: []float64{-1.2, -0.7, -1.5, -0.3, -2, -1.9}}
	tg := ad.Matrix{Rows: 2, Cols: 3, Data: []float64{0.2, 0.5, 0.3, 0.6, 0.1, 0.3}}
	for _, red := range []Reduction{BatchMean, Sum, Mean, None} {
		require.NoError(t, ad.CheckGrad(func(_ *ad.Tape, x []ad.Var) ad.Var {
			return KLDiv(x[0], x[1], KLDivOptions{Reduction: red})
		}, []ad.Matrix{in, tg}, nil), red.String())
		require.NoError(t, ad.CheckGrad(func(_ *ad.Tape, x []ad.Var) ad.Var {
			return KLDivLogits(x[0], x[1], KLDivOptions{Reduction: red})
		}, []ad.Matrix{in, tg}, nil), red.String())
	}
	for _, f := range []func(a, b ad.Var) ad.Var{KL, JS, SymmetricKL} {
		require.NoError(t, ad.CheckGrad(func(_ *ad.Tape, x []ad.Var) ad.Var { return f(x[0], x[1]) }, []ad.Matrix{in, tg}, nil))
	}
}

// TestCrossEntropyIdentity checks H(P, Q) = H(P) + KL(P ‖ Q).
func TestCrossEntropyIdentity(t *testing.T) {
	zp, zq := []float64{0.3, -1, 2, 0.5}, []float64{-0.4, 1, 0.2, 0}
	h := EntropyRow(zp)
	assert.InDelta(t, CrossEntropyRow(zp, zq), h+KLRow(zp, zq), 1e-14)
	// against a direct loop
	var lse1, lse2 float64
	for j := range zp {
		lse1 += math.Exp(zp[j])
		lse2 += math.Exp(zq[j])
	}
	var kl float64
	for j := range zp {
		p := math.Exp(zp[j]) / lse1
		kl += p * (zp[j] - math.Log(lse1) - zq[j] + math.Log(lse2))
	}
	assert.InDelta(t, kl, KLRow(zp, zq), 1e-14)
}

func TestKLDivCheckedMisuse(t *testing.T) {
	p := ad.Const(1, 3, []float64{0.2, 0.5, 0.3})
	_, err := KLDivChecked(p, p, KLDivOptions{})
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "input", ie.Arg)
	lp := ad.Log(p)
	v, err := KLDivChecked(lp, p, KLDivOptions{})
	require.NoError(t, err)
	assert.InDelta(t, 0, v.Scalar(), 1e-15)
}
