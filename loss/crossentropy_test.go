package loss

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// TestCrossEntropyTorch compares CrossEntropy, CrossEntropySoft and
// BCEWithLogits with torch (testdata/torch_reference.py).
func TestCrossEntropyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_reference.json")
	require.NoError(t, err)
	var ref struct {
		Cases []struct {
			Kind, Reduction string
			Smoothing       float64 `json:"label_smoothing"`
			Logits, Target  refMatrix
			Labels          []int
			Value, Weights  []float64
			GradLogits      []float64 `json:"grad_logits"`
		}
	}
	require.NoError(t, json.Unmarshal(raw, &ref))
	n := 0
	for _, c := range ref.Cases {
		tp := ad.NewTape()
		z := tp.Input(c.Logits.Rows, c.Logits.Cols, c.Logits.Data)
		opt := CEOptions{Reduction: reductions[c.Reduction], LabelSmoothing: c.Smoothing}
		var out ad.Var
		switch c.Kind {
		case "cross_entropy":
			out = CrossEntropy(z, c.Labels, opt)
		case "cross_entropy_soft":
			out = CrossEntropySoft(z, ad.Const(c.Target.Rows, c.Target.Cols, c.Target.Data), opt)
		case "bce_with_logits":
			out = BCEWithLogits(z, ad.Const(c.Target.Rows, c.Target.Cols, c.Target.Data), opt.Reduction)
		default:
			continue
		}
		n++
		require.Len(t, out.Value(), len(c.Value), c.Kind)
		for k, v := range c.Value {
			assert.InDelta(t, v, out.Value()[k], 1e-12, "%s %s eps %g value %d", c.Kind, c.Reduction, c.Smoothing, k)
		}
		g := tp.Gradient(ad.Sum(ad.Mul(out, ad.Const(out.Rows(), out.Cols(), c.Weights))), z)[0]
		for k, v := range c.GradLogits {
			assert.InDelta(t, v, g[k], 1e-12, "%s %s grad %d", c.Kind, c.Reduction, k)
		}
	}
	require.Equal(t, 15, n)
}
