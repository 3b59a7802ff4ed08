// Package autoguide builds variational guides for vi automatically from a
// model's latent sites, in the manner of Pyro's pyro.infer.autoguide and
// NumPyro's numpyro.infer.autoguide.
//
// Every guide works in unconstrained space: a latent site with a
// constrained support (positive, interval, simplex, ...) is drawn on the
// real line and pushed through its support's bijector (package dist), and
// its log-density includes the log-Jacobian. The guides are
//
//   - Normal: mean-field normal, one independent normal per site.
//   - MultivariateNormal: full-rank normal over the flat vector of all
//     latent sites (Cholesky factor).
//   - LowRank: low-rank-plus-diagonal normal over the flat vector.
//   - Delta: point mass (MAP estimation).
//   - Laplace: the Laplace approximation at the L-BFGS mode, refined as
//     full-rank VI in whitened coordinates.
//   - Mixture: a mixture of mean-field normals with learned weights,
//     stratified over its components for objectives.
//   - Flow: Real NVP affine couplings on top of the Laplace approximation
//     (funnels, curved valleys, skewed scales).
//
// The guides over the flat vector (MultivariateNormal, LowRank, Laplace,
// Mixture, Flow) share one base: the layout of the vector, the initialization and
// the recording of each site with its log-Jacobian plus a guide factor that
// carries the joint log-density.
//
// Initialization strategies choose the starting point: InitToMedian (the
// default, as Pyro), InitToValues and InitToMAP. Options (WithInit,
// WithInitScale, WithPrefix) configure any guide; WithLaplaceScales starts
// Normal's scales at the conditional Laplace sds.
package autoguide
