package ad

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkMLPStep times one training step of a 784-400-20 perceptron
// (ReLU hidden layer, softmax cross-entropy) at batch 128: record, forward,
// backward and a plain SGD update. It reports GFLOP/s of the matrix
// products (forward and backward).
func BenchmarkMLPStep(b *testing.B) {
	const batch, in, hid, out = 128, 784, 400, 20
	rng := rand.New(rand.NewPCG(1, 1))
	x := randMatrix(rng, batch, in, 0, 1)
	y := make([]float64, batch*out)
	for i := 0; i < batch; i++ {
		y[i*out+rng.IntN(out)] = 1
	}
	w1 := NewParam("w1", in, hid, randMatrix(rng, in, hid, -0.05, 0.05).Data)
	b1 := NewParam("b1", 1, hid, nil)
	w2 := NewParam("w2", hid, out, randMatrix(rng, hid, out, -0.05, 0.05).Data)
	b2 := NewParam("b2", 1, out, nil)
	params := []*Param{w1, b1, w2, b2}
	tp := NewTape()
	step := func() {
		tp.Reset()
		for _, p := range params {
			p.ZeroGrad()
		}
		h := ReLU(Add(MatMul(tp.Const(batch, in, x.Data), tp.Param(w1)), tp.Param(b1)))
		logits := Add(MatMul(h, tp.Param(w2)), tp.Param(b2))
		loss := Neg(Mean(Mul(tp.Const(batch, out, y), LogSoftmaxCols(logits))))
		tp.Backward(loss)
		for _, p := range params {
			for i, g := range p.Grad {
				p.Val[i] -= 1e-3 * g
			}
		}
	}
	for range 5 {
		step()
	}
	flops := tp.Flops()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkLogRegLogLik times the log-likelihood of a logistic regression
// with 10,000 rows and 50 features at 8 weight samples (one matrix product
// for all samples), and its gradient with respect to the samples.
func BenchmarkLogRegLogLik(b *testing.B) {
	const n, d, s = 10000, 50, 8
	rng := rand.New(rand.NewPCG(2, 2))
	x := randMatrix(rng, n, d, -1, 1)
	y := make([]float64, n)
	for i := range y {
		y[i] = float64(rng.IntN(2))
	}
	w := NewParam("w", s, d, randMatrix(rng, s, d, -0.3, 0.3).Data)
	tp := NewTape()
	step := func() {
		tp.Reset()
		w.ZeroGrad()
		l := MatMulTrans(tp.Const(n, d, x.Data), false, tp.Param(w), true) // n x s
		ll := Sum(Sub(Mul(tp.Const(n, 1, y), l), Softplus(l)))
		tp.Backward(ll)
	}
	for range 5 {
		step()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
}
