package main

import (
	"io"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/internal/examplekit"
)

// TestQuick fits, saves and predicts in quick mode, checks the fit against
// the simulation's true parameters, then runs again from the saved guide
// only (as a later run with -guide does) and checks that the restored guide
// is the fitted one: the same ELBO within 4 standard errors.
func TestQuick(t *testing.T) {
	dir := t.TempDir()
	_, err := run(examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true}, "", io.Discard)
	require.NoError(t, err)
	s, err := examplekit.LoadSummary(dir)
	require.NoError(t, err)
	get := func(s *examplekit.Summary, k string) float64 {
		v, ok := s.Float(k)
		require.True(t, ok, "summary has %s", k)
		return v
	}
	// Truth: mu_a = -1, sigma_a = 0.6, b = 0.4 (simulate). Within 3
	// posterior sds of the fit.
	for name, truth := range map[string]float64{"mu_a": -1, "sigma_a": 0.6, "b": 0.4} {
		require.InDelta(t, truth, get(s, "fit_"+name+"_mean"), 3*get(s, "fit_"+name+"_sd"), name)
	}
	require.GreaterOrEqual(t, get(s, "covered"), 9.0, "most true values inside the 90% intervals (13 checked)")
	require.Equal(t, 13.0, get(s, "checked"))
	require.GreaterOrEqual(t, get(s, "ppc_inside"), 8.0, "observed region totals inside their predictive intervals")
	elbo, se := get(s, "elbo"), get(s, "elbo_se")
	require.InDelta(t, elbo, get(s, "restored_elbo"), 4*math.Hypot(se, get(s, "restored_elbo_se")), "restored guide in the same run")
	require.Less(t, get(s, "khat"), 1.0, "k-hat")
	for _, f := range s.Files {
		if filepath.Ext(f) == ".png" {
			_, _, err := examplekit.CheckImage(filepath.Join(dir, f))
			require.NoError(t, err, f)
		}
	}

	// A second run that only loads the guide.
	dir2 := t.TempDir()
	_, err = run(examplekit.Config{Quick: true, Out: dir2, Seed: 5, NoProgress: true}, filepath.Join(dir, "guide.json"), io.Discard)
	require.NoError(t, err)
	s2, err := examplekit.LoadSummary(dir2)
	require.NoError(t, err)
	_, fitted := s2.Float("elbo")
	require.False(t, fitted, "the second run does not fit")
	require.InDelta(t, elbo, get(s2, "restored_elbo"), 4*math.Hypot(se, get(s2, "restored_elbo_se")), "restored guide in a later run")
	_, _, err = examplekit.CheckImage(filepath.Join(dir2, "custom-model.png"))
	require.NoError(t, err)

	// A missing file is an error naming it.
	_, err = run(examplekit.Config{Quick: true, Out: t.TempDir(), Seed: 1, NoProgress: true}, filepath.Join(dir, "nope.json"), io.Discard)
	require.ErrorContains(t, err, "nope.json")
}
