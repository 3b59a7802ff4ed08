// Package models holds ready-made Bayesian models for package vi:
//
//   - LinearRegression: conjugate Bayesian linear regression with a known
//     noise scale, whose posterior (Posterior, PosteriorPrecision) and
//     evidence (LogEvidence) are known exactly: the reference test of
//     variational fits.
//   - LogisticRegression: Bayesian logistic regression (workload W3).
//   - EightSchools: the hierarchical model of Rubin (1981), centered and
//     non-centered.
//
// Package models/posteriordb holds the ten reference posteriors of
// posteriordb as Stan-style log-densities with their reference summaries.
package models
