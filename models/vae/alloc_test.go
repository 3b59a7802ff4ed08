package vae

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStepAllocations counts the heap allocations of a training step after
// warm-up on a small VAE, where every kernel runs serially. Five remain:
// one boxing of q(z|x) for dist.KL here, and four below this package (the
// closure and row buffer of dist's fused Bernoulli log-probability, one in
// its Normal-Normal KL, one in ad's liftAll). At SPEC W4's sizes
// internal/par's parallel loops add about three (BenchmarkStep: 8). The
// bound fails if a step allocates anything more.
func TestStepAllocations(t *testing.T) {
	v, err := New(Config{Input: 16, Hidden: []int{8}, Latent: 2}, rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	tr := NewTrainer(v, nil, 4, 3)
	x := make([]float64, 4*16)
	for i := range x {
		x[i] = float64(i % 2)
	}
	for range 5 {
		tr.Step(x, 4)
	}
	n := testing.AllocsPerRun(50, func() { tr.Step(x, 4) })
	t.Logf("allocations per step: %v", n)
	assert.LessOrEqual(t, n, 5.0, "allocations per training step after warm-up")
}
