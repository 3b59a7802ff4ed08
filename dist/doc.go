// Package dist provides probability distributions whose parameters are ad
// values, bijectors into unconstrained space, and a registry of closed-form
// KL divergences.
package dist
