// Package elbo provides variational objectives over program traces: the
// trace and mean-field ELBO, importance-weighted and Rényi bounds, and the
// forward (inclusive) KL.
package elbo
