package main

import (
	"io"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/internal/examplekit"
)

// TestQuick runs the example's quick mode and checks its numbers against
// independent values: W6's exact optima (SPEC.md, computed by the peer), the
// moments of the 2-D targets (closed form), log 4 for a Gaussian sitting on
// one of four equal modes.
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
	// W6 (SPEC.md): reverse optimum m = ±2.98431, s = 1.02337, KL 0.688769;
	// forward optimum m = 0, s = sqrt(10), KL 0.461995.
	require.InDelta(t, 2.98431, math.Abs(get("w6_opt_reverse_m")), 1e-3, "exact reverse optimum m")
	require.InDelta(t, 1.02337, get("w6_opt_reverse_s"), 1e-3, "exact reverse optimum s")
	require.InDelta(t, 0.688769, get("w6_opt_kl_reverse"), 1e-5, "exact reverse KL")
	require.InDelta(t, 0.461995, get("w6_opt_kl_forward"), 1e-5, "exact forward KL")
	require.InDelta(t, 2.98431, math.Abs(get("w6_reverse_m")), 0.05, "reverse fit m")
	require.InDelta(t, 1.02337, get("w6_reverse_s"), 0.05, "reverse fit s")
	require.InDelta(t, 0, get("w6_forward_m"), 0.1, "forward fit m")
	require.InDelta(t, math.Sqrt(10), get("w6_forward_s"), 0.05, "forward fit s")
	require.InDelta(t, 0.688769, get("w6_kl_reverse_at_fit"), 0.005, "reverse KL at the fit")
	require.InDelta(t, 0.461995, get("w6_kl_forward_at_fit"), 0.005, "forward KL at the fit")

	// Four modes: the reverse-KL Gaussian sits on one mode, where
	// KL(q || p) = log 4 (the other modes add only e^-50 overlap).
	require.InDelta(t, math.Log(4), get("four_modes_reverse_kl_qp"), 0.05, "reverse fit on one mode")
	require.InDelta(t, 1, get("four_modes_reverse_modes"), 0, "reverse fit covers one mode")
	// The mixture guide covers all four and both divergences vanish.
	require.InDelta(t, 4, get("four_modes_mixture_modes"), 0, "mixture covers all modes")
	require.Less(t, get("four_modes_mixture_kl_qp"), 0.05, "mixture KL(q||p)")
	require.Less(t, get("four_modes_mixture_kl_pq"), 0.05, "mixture KL(p||q)")
	// Forward KL is moment matching: the fitted covariance is the target's.
	for _, tg := range []string{"four_modes", "banana"} {
		exact := s.Values[tg+"_exact_cov"].([]any)
		fit := s.Values[tg+"_forward_cov"].([]any)
		for i := range exact {
			e, f := exact[i].(float64), fit[i].(float64)
			require.InDelta(t, e, f, 0.12*math.Sqrt(exact[0].(float64)*exact[2].(float64)), "%s forward covariance %d", tg, i)
		}
		// Each objective wins its own divergence against the others among
		// the Gaussians: reverse has the smallest KL(q||p), forward the
		// smallest KL(p||q).
		for _, m := range []string{"forward", "renyi", "iwae"} {
			require.Less(t, get(tg+"_reverse_kl_qp"), get(tg+"_"+m+"_kl_qp"), "%s: reverse beats %s on KL(q||p)", tg, m)
		}
		for _, m := range []string{"reverse", "renyi", "iwae"} {
			require.Less(t, get(tg+"_forward_kl_pq")-2*get(tg+"_forward_kl_pq_se"), get(tg+"_"+m+"_kl_pq"), "%s: forward beats %s on KL(p||q)", tg, m)
		}
	}
	for _, f := range s.Files {
		_, _, err := examplekit.CheckImage(filepath.Join(dir, f))
		require.NoError(t, err, f)
	}
	require.Len(t, s.Files, 3)
}
