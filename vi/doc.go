// Package vi runs variational inference: probabilistic programs written as
// Go functions, the Guide interface and the Fit loop.
//
// # Programs
//
// A Model is a func(*Program). Through the Program a model declares latent
// variables (Sample), conditions on data (Observe, Factor), records derived
// quantities (Deterministic), creates parameters (Param) and subsamples
// data (Plate, whose sites are scaled by size/minibatch). A guide is
// written the same way (GuideFunc) or built automatically by package
// autoguide (mean-field, full-rank, low-rank, Delta, Laplace, mixture,
// flow),
// which reads the model's latent sites from a prototype trace (Setup) and
// records its draws with Program.Record.
//
// # Effect handlers
//
// A program run is a stack of effect handlers (NumPyro's handlers) that
// every latent site passes through, innermost first: Replay (model runs
// take the guide's values), Substitute (fixed values), Reparam and
// NonCentered (a parameterization as configuration), Scale (weighted
// log-densities), Draw, Enumerate, and Block, which hides sites (by name
// with Hide, all but some with Expose or ExposeKinds, by a predicate with
// HideFunc, or all) from the handlers outside it and from the trace, so
// that a guide can draw through auxiliary sites the model does not have.
// Handle pushes a handler for a model's body; Env.RunGuideWith and
// RunModelWith push handlers for a whole run. Order matters: a handler
// outside a Block does not act on the sites the Block hides.
//
// Constrained latents (positive, interval, simplex, ...) are handled
// through the bijectors of package dist. A model written Stan-style as a
// log-density over an unconstrained vector is LogDensity (its latent has
// the improper prior Flat).
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
