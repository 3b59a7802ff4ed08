package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/internal/examplekit"
)

// TestQuick runs the quick mode: three epochs on 2,048 training images.
// An untrained decoder scores about -543 nats per image; three epochs on
// the subset reach about -207 (seed 1), so -260 leaves room for other
// seeds while still failing if training does not work. The IWAE estimate
// of -log p(x) must lie below -ELBO (it is a tighter bound) but not by
// more than the KL term allows.
func TestQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a VAE for a few seconds")
	}
	dir := t.TempDir()
	var out bytes.Buffer
	o := options{Epochs: 10, Latent: 20, Hidden: "400", Beta: 1, K: 1, Decoder: "bernoulli", Binar: "static", LR: 1e-3, IWAEK: 1000, IWAEN: 500}
	require.NoError(t, run(examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true}, o, &out))
	s, err := examplekit.LoadSummary(dir)
	require.NoError(t, err)
	elbo, ok := s.Float("test_elbo_nats")
	require.True(t, ok, "summary has test_elbo_nats")
	assert.Greater(t, elbo, -260.0, "test ELBO after the quick run (nats)")
	assert.Less(t, elbo, -100.0, "test ELBO after the quick run (nats)")
	nll, ok := s.Float("test_nll_iwae_nats")
	require.True(t, ok, "summary has test_nll_iwae_nats")
	assert.Less(t, nll, -elbo+5, "IWAE-50 NLL below -ELBO (up to the test-set subset difference)")
	assert.Greater(t, nll, 60.0, "IWAE NLL is a plausible MNIST value")
	for _, name := range []string{"elbo.png", "recon.png", "samples.png", "latent.png"} {
		w, h, err := examplekit.CheckImage(filepath.Join(dir, name))
		require.NoError(t, err, name)
		assert.Greater(t, w*h, 10000, "%s has a size", name)
	}
	assert.Contains(t, out.String(), "epoch  3")
}
