package vae

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStepAllocations counts the heap allocations of a training step after
// warm-up on a small VAE: none (the KL goes through dist.KLOf without
// boxing, dist's fused kernels take pooled jobs, internal/par reuses its
// workers). BenchmarkStep shows the same at SPEC W4's sizes, where the
// parallel loops and the packed GEMM run on both cores.
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
	assert.Zero(t, n, "allocations per training step after warm-up")
}
