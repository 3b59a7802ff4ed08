// Package mixture fits Bayesian Gaussian mixtures by coordinate-ascent
// variational inference (CAVI) with the semantics and defaults of
// scikit-learn 1.2's BayesianGaussianMixture: a Dirichlet-distribution or
// truncated Dirichlet-process (stick-breaking) prior on the weights, a
// Gaussian-Wishart prior on each component's mean and precision, and full,
// tied, diagonal or spherical covariances.
//
// The updates are those of Bishop (2006), Pattern Recognition and Machine
// Learning, §10.2, and for the stick-breaking weights Blei and Jordan
// (2006), Variational inference for Dirichlet process mixtures, Bayesian
// Analysis 1(1). The lower bound is scikit-learn's (constants dropped), so
// the same settings and the same initial responsibilities give the same
// fit to rounding.
//
// One iteration is one pass over the data: the points are split into
// chunks of a fixed size, each chunk's responsibilities and sufficient
// statistics are computed by a pool of goroutines and the chunk partial
// sums are added in chunk order, so a fit is bit-identical for any
// GOMAXPROCS. The data are read in place, never copied, and an iteration
// allocates nothing.
//
// Data are a row-major []float64 of n points of dimension d.
package mixture
