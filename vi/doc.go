// Package vi runs variational inference: probabilistic programs written as
// Go functions, automatic guides and the Fit loop.
//
// # Programs
//
// A Model is a func(*Program). Through the Program a model declares latent
// variables (Sample), conditions on data (Observe, Factor), records derived
// quantities (Deterministic), creates parameters (Param) and subsamples
// data (Plate, whose sites are scaled by size/minibatch). A guide is
// written the same way (GuideFunc) or built automatically:
//
//   - AutoNormal: mean-field normal in unconstrained space.
//   - AutoMultivariateNormal: full-rank normal (Cholesky).
//   - AutoLowRankMultivariateNormal: low-rank plus diagonal.
//   - AutoDelta: point mass (MAP).
//   - AutoLaplace: the Laplace approximation at the L-BFGS mode, refined as
//     full-rank VI in whitened coordinates.
//   - AutoMixture: a mixture of mean-field normals with learned weights.
//   - AutoFlow: Real NVP affine couplings on the Laplace-whitened
//     full-rank normal, for funnels, curved valleys and skewed scales.
//
// WithLaplaceScales starts AutoNormal's scales at the conditional sds of
// the Laplace approximation (with InitToMAP: the mean-field optimum for a
// Gaussian posterior).
//
// Constrained latents (positive, interval, simplex, ...) are handled
// through the bijectors of package dist. Initialization: InitToMedian,
// InitToValues, InitToMAP. A model written Stan-style as a log-density over
// an unconstrained vector is LogDensity.
//
// Particles share the row dimension. A latent site draws S particles per
// batch row: with global latents its value is S x C, and data go in columns
// so that one matrix product serves all particles; inside a data plate rows
// are data points and K particles tile the batch (K*B rows).
//
// # Fitting
//
// Fit(ctx, model, guide, objective, optimizer, options...) runs the
// optimization: objectives come from package elbo (Trace, MeanField, IWAE,
// Renyi, ForwardKL, TraceEnum), optimizers and schedules come from package
// optim (torch's update rules). Fit is deterministic for a seed, stops within
// one step when its context is cancelled, reports progress, stops on Stan
// ADVI's relative-ELBO rule (Converge) or a step budget, skips non-finite
// steps (shrinking the step size and restoring the best parameters) and
// after repeated failures returns an error naming the site, and checkpoints
// to a file from which Resume continues to the same bits. Average ends a
// fit with Polyak–Ruppert iterate averaging over a tail window it picks
// so as to skip the transient. The Result holds
// posterior draws and summaries in constrained space, the ELBO with its
// Monte Carlo standard error, and the PSIS k-hat of the fitted guide, with
// PSIS-corrected summaries when k-hat < 0.7.
package vi
