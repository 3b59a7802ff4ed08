package main

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/internal/examplekit"
)

// TestQuick runs the quick mode and checks the fits against the posteriordb
// reference (Stan NUTS, 10,000 draws): the non-centered full-rank fit is
// close to it, the centered mean-field fit misses the funnel's neck (its sd
// of tau is far too small) and k-hat flags it,
// and the centered form has no mode for the Laplace approximation.
func TestQuick(t *testing.T) {
	dir := t.TempDir()
	_, err := run(examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true}, io.Discard)
	require.NoError(t, err)
	s, err := examplekit.LoadSummary(dir)
	require.NoError(t, err)
	get := func(k string) float64 {
		v, ok := s.Float(k)
		require.True(t, ok, "summary has %s", k)
		return v
	}
	refTau := get("ref_tau_mean")
	require.InDelta(t, 3.6, refTau, 0.05, "reference tau mean (posteriordb)")
	require.InDelta(t, refTau, get("noncentered_fullrank_tau_mean"), 1.0, "non-centered full-rank tau mean")
	require.Less(t, get("noncentered_fullrank_worst_mean_err"), 0.75, "non-centered full-rank means within 0.75 reference sd")
	require.Less(t, get("noncentered_fullrank_khat"), 0.9, "non-centered full-rank k-hat")
	require.Less(t, get("centered_meanfield_tau_sd"), 0.6*get("ref_tau_sd"), "centered mean-field misses the neck: tau's sd far too small")
	require.Greater(t, get("centered_meanfield_khat"), 0.7, "k-hat flags the centered mean-field fit")
	require.Greater(t, get("noncentered_fullrank_elbo")-2*get("noncentered_fullrank_elbo_se"),
		get("centered_meanfield_elbo")+2*get("centered_meanfield_elbo_se"), "the non-centered fit has the higher ELBO")
	require.Contains(t, s.Values, "centered_laplace_error", "the centered density has no mode")
	for _, f := range s.Files {
		_, _, err := examplekit.CheckImage(filepath.Join(dir, f))
		require.NoError(t, err, f)
	}
	require.Len(t, s.Files, 2)
}
