package main

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/internal/examplekit"
)

// TestQuick checks every printed claim: Monte Carlo within 4 standard
// errors of the closed forms, the closed forms against their formulas,
// the smoothed KL finite, H(P, Q) = H(P) + KL(P ‖ Q) to rounding, the MLE
// moments within 5 standard errors of the Gamma's (50,000 draws), JS
// below log 2.
func TestQuick(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.NoError(t, run(examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true}, &out))
	s, err := examplekit.LoadSummary(dir)
	require.NoError(t, err)
	get := func(k string) float64 {
		v, ok := s.Float(k)
		require.True(t, ok, k)
		return v
	}
	for i := range 4 {
		assert.Less(t, math.Abs(get("pair"+string(rune('0'+i))+"_z")), 4.0, "pair %d: Monte Carlo within 4 se", i)
	}
	// KL(Cat(.5,.3,.2) ‖ Cat(.2,.3,.5)) = 0.3 log(5/2) + 0.2 log(2/5)... directly:
	cat := 0.5*math.Log(0.5/0.2) + 0.3*math.Log(1) + 0.2*math.Log(0.2/0.5)
	assert.InDelta(t, cat, get("pair0_closed"), 1e-14, "categorical KL")
	assert.InDelta(t, 3*math.Log(3.0/5)+5-3, get("pair1_closed"), 1e-14, "Poisson KL λ log(λ/μ) + μ − λ")
	assert.InDelta(t, math.Log(2)+2.0/8-0.5, get("asym_pq"), 1e-14, "KL(N(0,1) ‖ N(1,2))")
	assert.InDelta(t, -math.Log(2)+5.0/2-0.5, get("asym_qp"), 1e-14, "KL(N(1,2) ‖ N(0,1))")
	sm := get("mismatch_smoothed")
	assert.False(t, math.IsInf(sm, 0) || math.IsNaN(sm), "smoothed KL is finite")
	assert.Less(t, math.Abs(get("ce_identity_gap")), 1e-12, "cross-entropy identity")
	se := math.Sqrt(0.75 / 50000)
	assert.InDelta(t, 1.5, get("mle_mean"), 5*se, "MLE mean")
	assert.InDelta(t, math.Sqrt(0.75), get("mle_sd"), 5*se, "MLE sd")
	assert.Less(t, get("js"), math.Ln2, "JS <= log 2")
	_, _, err = examplekit.CheckImage(filepath.Join(dir, "closed_vs_mc.png"))
	require.NoError(t, err)
}
