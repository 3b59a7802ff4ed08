// Package estimators provides Monte Carlo estimators with standard errors:
// KL divergence estimators, importance sampling, effective sample size,
// Pareto-smoothed importance sampling and score-function gradients.
package estimators
