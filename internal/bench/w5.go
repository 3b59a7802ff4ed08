package bench

import (
	"io"
	"math"
	"path/filepath"

	"github.com/kldiv/kldiv/mixture"
)

// runW5 is SPEC.md's W5: a Bayesian Gaussian mixture with at most K = 10
// components, Dirichlet weight prior 1/K, full covariances, fitted by
// CAVI with scikit-learn's defaults (k-means initialization, tol 1e-3,
// max_iter 500). Metrics ms_to_converge (whole fit, 1 warm-up, median of
// 5), heldout_mean_loglik (posterior point parameters),
// effective_components (weights > 0.01), n_iter.
func runW5(w io.Writer, cfg Config) error {
	x, d, _, err := mixture.ReadCSVFile(filepath.Join(cfg.Data, "gmm.csv.gz"))
	if err != nil {
		return err
	}
	xt, _, _, err := mixture.ReadCSVFile(filepath.Join(cfg.Data, "gmm_test.csv.gz"))
	if err != nil {
		return err
	}
	b := mixture.New(10)
	b.WeightPrior = mixture.DirichletDistribution
	b.WeightConcentration = 0.1
	b.MaxIter = 500
	var m *mixture.Model
	var ferr error
	ms := MedianMillis(func() { m, ferr = b.Fit(x, d) }, 1, 5)
	if ferr != nil {
		return ferr
	}
	eff := 0
	for _, wk := range m.Weights {
		if wk > 0.01 {
			eff++
		}
	}
	Emit(w, "W5", "ms_to_converge", math.Round(ms*1e3)/1e3, nil)
	Emit(w, "W5", "heldout_mean_loglik", m.MeanLogDensity(xt), nil)
	Emit(w, "W5", "effective_components", float64(eff), nil)
	Emit(w, "W5", "n_iter", float64(m.NIter), map[string]any{"converged": m.Converged})
	return nil
}
