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

// TestQuick: 25 updates raise the expected reward from the uniform
// policy's (about 0.5) to above 0.85, the adaptive rule keeps the measured
// KL(π_old ‖ π_new) within a factor 3 of its target in at least 16 of
// updates 6-25 (PPO's KL fluctuates; the rule reacts after the fact), and the k3 estimate agrees with the exact KL to 30% per update.
func TestQuick(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.NoError(t, run(examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true},
		options{Updates: 60, Batch: 1024, Epochs: 10, Target: 0.01, Beta: 1, LR: 0.05}, &out))
	s, err := examplekit.LoadSummary(dir)
	require.NoError(t, err)
	r, ok := s.Float("final_reward")
	require.True(t, ok)
	assert.Greater(t, r, 0.85, "final expected reward")
	kl := s.Values["kl_exact"].([]any)
	k3 := s.Values["kl_k3"].([]any)
	require.Len(t, kl, 25)
	within := 0
	for i := 5; i < len(kl); i++ {
		e := kl[i].(float64)
		if math.Abs(math.Log(e/0.01)) < math.Log(3) {
			within++
		}
		assert.InEpsilon(t, e, k3[i].(float64), 0.3, "update %d: k3 against exact", i+1)
	}
	assert.GreaterOrEqual(t, within, 16, "updates 6-25 with KL within a factor 3 of the target")
	_, _, err = examplekit.CheckImage(filepath.Join(dir, "ppo_kl.png"))
	require.NoError(t, err)
}
