// Package bench is the Go side of the benchmark workloads defined in
// shared/bench/SPEC.md (../shared/bench/SPEC.md from the repository
// root), run by `kldiv bench [--data DIR] [W1 W2 ...]`. SPEC.md defines
// each workload once, so that this package and a peer (PyTorch on the
// CPU, scikit-learn; shared/bench/peer/) do the same work; every workload
// prints one JSON object per metric,
//
//	{"workload": "W1", "impl": "go", "metric": "ms_per_call", "value": 12.3}
//
// and shared/bench/compare.py times the two sides in turn.
//
// The workloads implemented here, one file each:
//
//	w1.go  W1  closed-form KL of 1,000,000 univariate normal pairs (Weyl-sequence
//	           parameters, no file); ms_per_call, sum_kl
//	w2.go  W2  closed-form KL of 256 pairs of 32-dimensional full-covariance
//	           normals built from covariance matrices (mvn_pairs.csv.gz);
//	           ms_per_call, sum_kl
//	w3.go  W3  mean-field VI for Bayesian logistic regression, N = 10,000,
//	           D = 50, 8 particles, Adam 0.01, 2,000 steps (logreg.csv.gz,
//	           logreg_truth.json); ms_per_step, final_elbo, mu_rmse_vs_true_w
//	w6.go  W6  reverse and forward KL fits of N(m, s) to
//	           0.5 N(-3, 1) + 0.5 N(3, 1); the fitted m and s and both KLs
//
// # Adding a workload
//
// Write a file wN.go with a function
//
//	func runWN(w io.Writer, cfg Config) error
//
// that reads its data from cfg.Data (package internal/benchdata reads the
// shared CSV and JSON files), times its call with MedianMillis (or its own
// per-step times and Median) and prints its metrics with Emit, named as
// in SPEC.md; then add one line {"WN", "summary", runWN} to Workloads
// (the order there is the order of a bare `kldiv bench`) and one line to
// the list above. A test beside it (wN_test.go) should check the
// workload's checkable metric (a sum, an ELBO) on a reduced size.
package bench
