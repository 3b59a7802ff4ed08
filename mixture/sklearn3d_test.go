package mixture

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAgreesWithSklearn3D is a second, independent agreement check with
// scikit-learn 1.2.1's BayesianGaussianMixture: 400 points in 3-D from
// three correlated Gaussians, K = 4 (one spare component), started from
// the same hard k-means labels, tol 1e-8 so that both sides run to the
// fixed point; every covariance type and both weight priors. Numbers from
// testdata/sklearn3d_make.py (run once; CI needs no Python). The
// iteration counts must agree exactly, the final lower bound to 1e-6
// relative, weights to 1e-7, means and covariances to 1e-6.
func TestAgreesWithSklearn3D(t *testing.T) {
	x, d, _, err := ReadCSVFile("testdata/sklearn3d_data.csv")
	require.NoError(t, err)
	raw, err := os.ReadFile("testdata/sklearn3d_ref.json")
	require.NoError(t, err)
	var ref struct {
		K      int
		Labels []int
		Fits   []struct {
			CovarianceType string `json:"covariance_type"`
			WeightPrior    string `json:"weight_prior"`
			Weights        []float64
			Means          []float64
			Covariances    []float64
			LowerBound     float64 `json:"lower_bound"`
			NIter          int     `json:"n_iter"`
		}
	}
	require.NoError(t, json.Unmarshal(raw, &ref))
	require.Len(t, ref.Fits, 8)
	for _, r := range ref.Fits {
		t.Run(r.CovarianceType+"/"+r.WeightPrior, func(t *testing.T) {
			ct, err := ParseCovarianceType(r.CovarianceType)
			require.NoError(t, err)
			cfg := NewConfig(ref.K)
			cfg.Covariance = ct
			cfg.WeightPrior = map[string]WeightPrior{"dirichlet_process": DirichletProcess, "dirichlet_distribution": DirichletDistribution}[r.WeightPrior]
			cfg.MaxIter, cfg.Tol = 500, 1e-8
			cfg.Init, cfg.Labels = Labels, ref.Labels
			m, err := Fit(context.Background(), x, d, cfg)
			require.NoError(t, err)
			require.Equal(t, r.NIter, m.NIter, "n_iter")
			require.InDelta(t, r.LowerBound, m.LowerBound, 1e-6*math.Abs(r.LowerBound), "lower bound")
			for k, w := range r.Weights {
				require.InDelta(t, w, m.Weights[k], 1e-7, fmt.Sprintf("weight %d", k))
				for a := range d {
					require.InDelta(t, r.Means[k*d+a], m.Means[k][a], 1e-6, fmt.Sprintf("mean %d,%d", k, a))
				}
			}
			// scikit-learn's covariances_ have the shape of the type; the
			// Go side keeps a full d x d matrix per component.
			for k, c := range m.Covariances {
				for a := range d {
					for b := range d {
						var want float64
						switch ct {
						case Full:
							want = r.Covariances[k*d*d+a*d+b]
						case Tied:
							want = r.Covariances[a*d+b]
						case Diag:
							if a == b {
								want = r.Covariances[k*d+a]
							}
						case Spherical:
							if a == b {
								want = r.Covariances[k]
							}
						}
						require.InDelta(t, want, c[a*d+b], 1e-6*math.Max(1, math.Abs(want)), fmt.Sprintf("covariance %d (%d,%d)", k, a, b))
					}
				}
			}
		})
	}
}
