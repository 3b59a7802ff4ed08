package main

import (
	"io"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/internal/benchdata"
	"github.com/kldiv/kldiv/internal/examplekit"
)

// TestQuick runs the quick mode. Linear regression is checked against the
// exact conjugate posterior and mean-field theory (variances 1/Λ_ii, KL gap
// (1/2) log(Π Λ_ii / det Λ)); logistic regression against W3's true
// weights and true held-out probabilities.
func TestQuick(t *testing.T) {
	dir := t.TempDir()
	_, err := run(examplekit.Config{Quick: true, Out: dir, Seed: 1, NoProgress: true}, benchdata.Dir(), io.Discard)
	require.NoError(t, err)
	s, err := examplekit.LoadSummary(dir)
	require.NoError(t, err)
	get := func(k string) float64 {
		v, ok := s.Float(k)
		require.True(t, ok, "summary has %s", k)
		return v
	}
	vec := func(k string) []float64 {
		v, ok := s.Floats(k)
		require.True(t, ok, "summary has %s", k)
		return v
	}
	exactMean, exactCov := vec("lin_exact_mean"), vec("lin_exact_cov")
	frMean, frCov := vec("lin_fullrank_mean"), vec("lin_fullrank_cov")
	mfMean, mfCov := vec("lin_meanfield_mean"), vec("lin_meanfield_cov")
	theory := vec("lin_meanfield_theory_var")
	for j := range 2 {
		sd := math.Sqrt(exactCov[3*j])
		require.InDelta(t, exactMean[j], frMean[j], 0.05*sd, "full-rank mean %d", j)
		require.InDelta(t, exactMean[j], mfMean[j], 0.15*sd, "mean-field mean %d", j)
		require.InEpsilon(t, theory[j], mfCov[3*j], 0.08, "mean-field variance %d is 1/Λ_ii", j)
	}
	scale := math.Sqrt(exactCov[0] * exactCov[3])
	for i := range exactCov {
		require.InDelta(t, exactCov[i], frCov[i], 0.05*scale, "full-rank covariance %d", i)
	}
	require.InDelta(t, 0, mfCov[1]/math.Sqrt(mfCov[0]*mfCov[3]), 0.05, "mean-field draws are uncorrelated")
	logZ := get("lin_log_evidence")
	require.InDelta(t, get("lin_meanfield_kl_theory"), logZ-get("lin_meanfield_elbo"), 0.03, "mean-field KL gap")
	require.InDelta(t, 0, logZ-get("lin_fullrank_elbo"), 0.01, "full-rank fit is exact")

	require.Less(t, get("logit_rmse_vs_true_w"), 0.3, "posterior mean near the true weights")
	require.Greater(t, get("logit_accuracy"), 0.88, "held-out accuracy")
	require.Less(t, get("logit_mean_abs_prob_err"), 0.06, "predictive probabilities near the true ones")
	require.Less(t, get("logit_logloss_predictive"), get("logit_logloss_true")+0.05, "held-out log loss near the best possible")
	require.GreaterOrEqual(t, get("logit_logloss_predictive"), get("logit_logloss_true")-0.03, "no fit beats the truth by much on 1,000 points")
	for _, f := range s.Files {
		_, _, err := examplekit.CheckImage(filepath.Join(dir, f))
		require.NoError(t, err, f)
	}
	require.Len(t, s.Files, 1)
}
