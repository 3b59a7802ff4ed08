// Package vi runs variational inference: probabilistic programs (model and
// guide functions with named sites), autoguides, optimizers and the Fit
// loop.
package vi
