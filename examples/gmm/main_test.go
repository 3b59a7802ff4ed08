package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/internal/examplekit"
)

// TestQuick fits the first 3,000 points of SPEC W5's data (or simulated
// points from five Gaussians when the shared data are absent). Both have
// five well-separated clusters: the fit must keep five components and
// reach a held-out mean log density near the true mixture's (-4.22323 on
// W5's held-out set; the fit on 3,000 points loses a little, so -4.26).
func TestQuick(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	o := options{K: 10, Covariance: "full", Prior: "dirichlet_distribution", MaxIter: 500}
	require.NoError(t, run(examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true}, o, &out))
	s, err := examplekit.LoadSummary(dir)
	require.NoError(t, err)
	eff, ok := s.Float("effective_components")
	require.True(t, ok)
	assert.Equal(t, 5.0, eff, "effective components")
	held, ok := s.Float("heldout_mean_loglik")
	require.True(t, ok)
	assert.Greater(t, held, -4.26, "held-out mean log density (nats)")
	assert.Less(t, held, -3.5, "held-out mean log density (nats)")
	for _, name := range []string{"fit.png", "bound.png", "weights.png"} {
		_, _, err := examplekit.CheckImage(filepath.Join(dir, name))
		require.NoError(t, err, name)
	}
	assert.Contains(t, out.String(), "effective components")
}

// TestQuickSVI adds the program version (-svi, 800 SVI steps in quick
// mode): its held-out mean log density must be within 0.01 nats of CAVI's
// on the same points (about 0.002 at 800 steps; 0.0002 at the default
// 4,000 on all of W5's data, see mixture.TestFitSVIW5), and it writes the
// ELBO picture.
func TestQuickSVI(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	o := options{K: 10, Covariance: "full", Prior: "dirichlet_distribution", MaxIter: 500, SVI: true, SVISteps: 4000}
	require.NoError(t, run(examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true}, o, &out))
	s, err := examplekit.LoadSummary(dir)
	require.NoError(t, err)
	held, ok := s.Float("heldout_mean_loglik")
	require.True(t, ok)
	sh, ok := s.Float("svi_heldout_mean_loglik")
	require.True(t, ok)
	gap, ok := s.Float("svi_gap")
	require.True(t, ok)
	assert.InDelta(t, sh-held, gap, 1e-12, "gap is SVI - CAVI")
	assert.InDelta(t, held, sh, 0.01, "SVI vs CAVI held-out mean log density (nats)")
	steps, ok := s.Float("svi_steps")
	require.True(t, ok)
	assert.Equal(t, 800.0, steps, "quick mode caps the SVI steps")
	for _, name := range []string{"fit.png", "svi_elbo.png"} {
		_, _, err := examplekit.CheckImage(filepath.Join(dir, name))
		require.NoError(t, err, name)
	}
	assert.Contains(t, out.String(), "gap (SVI - CAVI)")
	// -svi needs the model FitSVI implements.
	o.Covariance = "diag"
	err = run(examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true}, o, &bytes.Buffer{})
	require.ErrorContains(t, err, "full")
}

// TestBadCSV: a ragged CSV is reported with its line.
func TestBadCSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.csv")
	require.NoError(t, writeFile(path, "x0,x1\n1,2\n3\n"))
	err := run(examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true}, options{CSV: path, K: 3, Covariance: "full", Prior: "dirichlet_process", MaxIter: 10}, &bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "CSV line 3")
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }
