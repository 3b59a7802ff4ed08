package vae

import (
	"context"

	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
	"math/rand/v2"
	"testing"

	"github.com/kldiv/kldiv/mnist"
)

// BenchmarkStep is one SPEC W4 training step (batch 128, 784-400-20,
// Adam): 469 of them make an epoch.
func BenchmarkStep(b *testing.B) {
	train, err := mnist.Load(mnist.Train)
	if err != nil {
		b.Skip(err)
	}
	v, err := New(Config{}, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		b.Fatal(err)
	}
	tr := NewTrainer(v, nil, 128, 1)
	x := make([]float64, 128*784)
	idx := make([]int, 128)
	for i := range idx {
		idx[i] = i
	}
	train.Fill(x, idx, mnist.Static, nil)
	for range 3 {
		tr.Step(x, 128)
	}
	b.ReportAllocs()
	for b.Loop() {
		tr.Step(x, 128)
	}
}

// BenchmarkFitSteps is 20 SPEC W4 steps through vi.Fit with the Model and
// Guide programs and elbo.MeanField, for comparison with 20 x
// BenchmarkStep: the cost of the program machinery.
func BenchmarkFitSteps(b *testing.B) {
	train, err := mnist.Load(mnist.Train)
	if err != nil {
		b.Skip(err)
	}
	v, err := New(Config{}, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		b.Fatal(err)
	}
	data := MNIST(train, mnist.Static)
	opt := optim.NewAdam(1e-3)
	b.ReportAllocs()
	for b.Loop() {
		_, err := vi.Fit(context.Background(), v.Model(data, 128), v.Guide(data, 128), elbo.MeanField{}, opt,
			vi.MaxSteps(20), vi.Seed(1), vi.NoFinalEvaluation())
		if err != nil {
			b.Fatal(err)
		}
	}
}
