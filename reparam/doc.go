// Package reparam provides pathwise (reparameterized) samplers on ad
// values: draws z = g(ε, θ) from noise ε that does not depend on the
// parameters θ, so that ∇_θ E[f(z)] = E[∇_θ f(g(ε, θ))] can be estimated by
// differentiating through the draw.
//
//   - Location-scale: LocScale and AffineNoise with standard noises
//     (StdNormal, StdLaplace, StdGumbel, StdCauchy, StdLogistic), and the
//     samplers built on them (Normal, Laplace, Gumbel, Cauchy, Logistic).
//   - Inverse CDF or transforms: Exponential, Weibull, Pareto, Uniform,
//     HalfNormal, HalfCauchy, LogNormal, Kumaraswamy, ContinuousBernoulli.
//   - Implicit reparameterization (Figurnov, Mohamed and Mnih 2018) for
//     Gamma, and through it Chi2, InverseGamma, Beta, Dirichlet and
//     StudentT: ∂z/∂α = -(∂F/∂α)/f, with the derivative of the regularized
//     incomplete gamma function computed to full precision; small
//     concentrations are drawn in log space (Marsaglia-Tsang with the α < 1
//     boost) so that no draw underflows to 0.
//   - Multivariate normals through a Cholesky factor, and low-rank plus
//     diagonal factors.
//   - Concrete / Gumbel-softmax relaxations (RelaxedBernoulli,
//     RelaxedOneHotCategorical, with a temperature) and their
//     straight-through variants (hard values forward, the relaxed
//     gradient backward).
//
// Every sampler returns n draws for each batch row of its parameters as an
// n*B x C value (row k*B+b from batch row b), recorded as one node on the
// parameters' tape, or as a free constant when the parameters are free
// constants. Package dist builds its Rsample methods on these samplers;
// reparam never imports dist.
package reparam
