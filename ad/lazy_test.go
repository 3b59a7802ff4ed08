package ad

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lazyCounting returns a lazy 2 x 3 constant holding 1..6 and the number
// of times its fill ran; fill fails the test unless dst is zeroed.
func lazyCounting(t *testing.T) (Var, *atomic.Int64) {
	var calls atomic.Int64
	v := Lazy(2, 3, func(dst []float64) {
		calls.Add(1)
		for i := range dst {
			if dst[i] != 0 {
				t.Errorf("Lazy: dst[%d] = %v on entry, want 0", i, dst[i])
			}
			dst[i] = float64(i + 1)
		}
	})
	return v, &calls
}

func TestLazyShapeDoesNotFill(t *testing.T) {
	v, calls := lazyCounting(t)
	r, c := v.Shape()
	assert.Equal(t, [2]int{2, 3}, [2]int{r, c}, "shape")
	assert.Equal(t, 6, v.Len(), "Len")
	assert.True(t, v.IsConst(), "IsConst")
	assert.Nil(t, v.Tape(), "a lazy constant is free")
	assert.Zero(t, calls.Load(), "Rows, Cols, Shape, Len and IsConst must not compute the values")
}

func TestLazyFillsOnceOnFirstUse(t *testing.T) {
	v, calls := lazyCounting(t)
	assert.Equal(t, 6.0, v.At(1, 2), "At(1, 2)")
	assert.Equal(t, []float64{1, 2, 3, 4, 5, 6}, v.Value(), "Value")
	assert.Equal(t, Matrix{Rows: 2, Cols: 3, Data: []float64{1, 2, 3, 4, 5, 6}}, v.Matrix(), "Matrix")
	assert.Equal(t, int64(1), calls.Load(), "fill runs once")
	assert.Same(t, &v.Value()[0], &v.Value()[0], "every use shares one slice")
}

func TestLazyConcurrentFirstUse(t *testing.T) {
	v, calls := lazyCounting(t)
	const n = 8
	var wg sync.WaitGroup
	sums := make([]float64, n)
	for g := range n {
		wg.Go(func() {
			for _, x := range v.Value() {
				sums[g] += x
			}
		})
	}
	wg.Wait()
	for g, s := range sums {
		assert.Equal(t, 21.0, s, "goroutine %d saw incomplete values", g)
	}
	assert.Equal(t, int64(1), calls.Load(), "concurrent first uses run fill once")
}

func TestLazyInOperations(t *testing.T) {
	// Eager arithmetic on free constants.
	v, calls := lazyCounting(t)
	s := Sum(Mul(v, Const(2, 3, []float64{1, 1, 1, 2, 2, 2})))
	assert.Equal(t, 1+2+3+2*(4+5+6.0), s.Scalar(), "Sum(v * w)")
	assert.Equal(t, int64(1), calls.Load(), "fill runs once")

	// On a tape: the lazy constant is lifted and the gradient flows to the
	// input it multiplies.
	v, calls = lazyCounting(t)
	tp := NewTape()
	x := tp.Input(2, 3, []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5})
	out := Sum(Mul(x, v))
	tp.Backward(out)
	assert.InDelta(t, 10.5, out.Scalar(), 1e-15, "Sum(x * v)")
	assert.Equal(t, []float64{1, 2, 3, 4, 5, 6}, x.Grad(), "d/dx Sum(x * v) = v")
	assert.Equal(t, int64(1), calls.Load(), "fill runs once")
	assert.Equal(t, []float64{1, 2, 3, 4, 5, 6}, tp.Lift(v).Value(), "Lift")
}

func TestLazyEmptyAndPanics(t *testing.T) {
	e := Lazy(0, 4, func(dst []float64) { require.Empty(t, dst, "an empty lazy constant gets an empty dst") })
	assert.Empty(t, e.Value(), "0 x 4")
	assert.Panics(t, func() { Lazy(-1, 2, func([]float64) {}) }, "negative rows")
	assert.Panics(t, func() { Lazy(2, 2, nil) }, "nil fill")
}
