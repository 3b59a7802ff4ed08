// Package posteriordb provides ten reference posteriors of the posteriordb
// project (https://github.com/stan-dev/posteriordb, BSD-3 licence; see
// data/README.md for the commit, the attribution and how the reference
// summaries were computed) as kldiv models, for checking the accuracy of
// variational approximations.
//
// Load returns a Posterior: the data, the reference summaries (mean, sd and
// the 5%, 50% and 95% quantiles of 10,000 Stan NUTS draws per parameter,
// with posteriordb's names such as "theta[1]") and the model as a
// vi.LogDensity written Stan-style over an unconstrained vector z:
//
//   - LogJoint(t, z) takes S particles as the S rows of z (S x Dim) and
//     returns S x 1: the log-density of the data and the parameters at the
//     constrained image of z plus the log absolute Jacobian determinant of
//     Stan's constraining transforms (exp for lower bounds, logistic for
//     intervals, the ordered and positive_ordered transforms, the
//     two-component simplex), exactly as each data/<name>/README.md states.
//     The unconstrained coordinates follow the parameters block of the
//     Stan program in declaration order.
//   - Constrain records every reference parameter in constrained space
//     with Program.Deterministic: a scalar under its own name ("mu"), a
//     vector as one site with S rows and one column per element ("theta",
//     column j being "theta[j+1]"), transformed parameters (theta of
//     eight_schools_noncentered, f of gp_pois_regr) as the reference
//     reports them.
//
// Normalizing constants are kept: every proper prior and likelihood term is
// the full normalized log-density, and priors on positive parameters
// written in Stan as a symmetric distribution restricted to (0, ∞)
// (half-normal, half-Cauchy) include the factor 2. Improper flat priors
// (earnings' β and σ, kilpisjarvi's σ, all of garch's parameters)
// contribute 0, as do the hmm's Dirichlet(1, 1) priors on its simplexes
// (density 1). The hmm's uniform initial-state distribution contributes
// log(1/2) (dropped by the Stan program). So LogJoint differs from Stan's
// target only by constants.
//
// The log-densities are array programs: one evaluation serves all S
// particles (regressions as one matrix product of the S x P coefficients
// with the design; the GARCH volatility recursion, the mixture and the HMM
// forward algorithm as fused nodes with analytic partials; the GP's
// Cholesky factor and its derivatives as one custom node).
//
// LogJoint ignores its tape argument: every operation joins the tape of z
// (a free constant z gives a free constant result). A Posterior holds no
// mutable state: several goroutines may evaluate it at once.
//
// Compare and Table compare a fit's draws with the reference, per
// parameter: the error of the mean in reference sds and the ratio of the
// sds; Comparison.Within and Worst apply tolerances. Mode finds the mode
// of LogJoint by L-BFGS, a warm start for fits of the strongly correlated
// regressions (kilpisjarvi, earnings, sblrc), whose posterior valleys Adam
// crosses only slowly from z = 0.
package posteriordb
