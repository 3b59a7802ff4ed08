package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/internal/examplekit"
)

// TestQuick: the overfitted classifier is overconfident (T > 1.5, ECE
// above 0.04 on the test split) and temperature scaling fitted on the
// validation split cuts the test ECE at least in half without changing the
// accuracy, and lowers the test NLL.
func TestQuick(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.NoError(t, run(examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true}, options{Classes: 5, Features: 40, Epochs: 400}, &out))
	s, err := examplekit.LoadSummary(dir)
	require.NoError(t, err)
	get := func(k string) float64 {
		v, ok := s.Float(k)
		require.True(t, ok, k)
		return v
	}
	assert.Greater(t, get("temperature"), 1.5, "fitted temperature")
	assert.Greater(t, get("ece_before"), 0.04, "ECE before")
	assert.Less(t, get("ece_after"), get("ece_before")/2, "ECE after against before")
	assert.Less(t, get("nll_after"), get("nll_before"), "test NLL after against before")
	_, _, err = examplekit.CheckImage(filepath.Join(dir, "reliability.png"))
	require.NoError(t, err)
}
