package bench

import (
	"context"
	"io"
	"path/filepath"

	"github.com/kldiv/kldiv/mixture"
)

// runW5 is SPEC.md's W5: a Bayesian Gaussian mixture with at most K = 10
// components, Dirichlet weight prior with concentration 1/K, full
// covariances, fitted by CAVI with scikit-learn's defaults (package
// mixture), max_iter 500, tol 1e-3, one k-means initialization. Metrics
// ms_to_converge (the whole fit including the initialization; 1 warm-up,
// median of 5), heldout_mean_loglik (the plug-in mixture density with
// weights_, means_ and covariances_), effective_components (weights >
// 0.01) and n_iter (with "converged").
func runW5(w io.Writer, cfg Config) error {
	train, d, _, err := mixture.ReadCSVFile(filepath.Join(cfg.Data, "gmm.csv.gz"))
	if err != nil {
		return err
	}
	test, _, _, err := mixture.ReadCSVFile(filepath.Join(cfg.Data, "gmm_test.csv.gz"))
	if err != nil {
		return err
	}
	mc := mixture.NewConfig(10)
	mc.WeightPrior = mixture.DirichletDistribution
	mc.MaxIter = 500
	var m *mixture.Mixture
	var ferr error
	ms := MedianMillis(func() {
		m, ferr = mixture.Fit(context.Background(), train, d, mc)
	}, 1, 5)
	if ferr != nil {
		return ferr
	}
	Emit(w, "W5", "ms_to_converge", ms, nil)
	Emit(w, "W5", "heldout_mean_loglik", m.MeanLogDensity(test), nil)
	Emit(w, "W5", "effective_components", float64(m.EffectiveComponents(0.01)), nil)
	Emit(w, "W5", "n_iter", float64(m.NIter), map[string]any{"converged": m.Converged})
	return nil
}
