// Package dist provides probability distributions whose parameters are ad
// values, bijectors between constrained sets and unconstrained space, and a
// registry of closed-form KL divergences.
//
// # Layout
//
// A value is a matrix whose rows are events (samples, data points). A
// distribution's parameters broadcast to B batch rows (1 when shared) and
// its values have C columns. Univariate families (Normal, Gamma, ...) treat
// columns as independent components and sum log-densities over them, so
// LogProb is always R x 1; multivariate families (MultivariateNormal,
// Dirichlet, Categorical, ...) score a row jointly. A value with R rows is
// scored against batch row i mod B ("tiling": K particles of a B-row batch
// are K*B rows). Sample(rng, n) returns n*B rows, row k*B+b drawn from batch
// row b.
//
// # Families
//
// Continuous: Normal, LogNormal, HalfNormal, Cauchy, HalfCauchy, StudentT,
// Laplace, Gumbel, Exponential, Gamma, InverseGamma, Chi2, Beta,
// Kumaraswamy, ContinuousBernoulli, Uniform, Pareto, Weibull, VonMises,
// Dirichlet, MultivariateNormal, LowRankMultivariateNormal, and the
// Concrete relaxations RelaxedBernoulli and RelaxedOneHotCategorical.
// Discrete: Bernoulli, Binomial, Geometric, Poisson, NegativeBinomial,
// Categorical, OneHotCategorical, Multinomial. Structural: Delta,
// Independent, Expanded, TransformedDistribution, MixtureSameFamily.
//
// Parameters are exported ad.Var fields named as in torch.distributions
// (Loc, Scale, Concentration, Rate, Probs, Logits, ScaleTril, ...). NewX
// constructors take float64s, XOf constructors ad values; both validate and
// return a *ParamError naming the parameter, the element and the value. A
// struct literal does not validate (the vi package validates every site);
// call Validate yourself otherwise. LogProb, CDF and closed-form KLs are
// single fused ad nodes with analytic partial derivatives, so they are
// differentiable in every parameter (and the value) at the cost of one
// loop. Rsample draws pathwise through package reparam.
//
// # KL divergences
//
// KL(p, q) resolves the concrete types of p and q through one ordered rule
// table and returns one value per batch row: exact pairs first
// (RegisterKL adds one), then wrapper rules that unwrap Independent and
// Expanded on either side and reduce TransformedDistributions with the same
// transforms to their bases, then user rules (RegisterKLRule), then the
// wildcard KL(Delta(v) || q) = -log q(v). The rule chosen for a type pair
// is memoized. HasKL and Pairs read the same table. Support mismatch gives
// +Inf, never NaN. The formulas are written for accuracy near p = q, where
// naive forms such as r - 1 - log r lose every digit. The exact pairs of a
// family F are registered in kl_F.go (F against itself and its
// conjugates) and kl_cross_F.go (F against other families); `kldiv pairs`
// prints the table. Pairs without a closed form have Monte Carlo estimates
// in package estimators.
// JensenShannon is exact for enumerable discrete families; CrossEntropy and
// SymmetricKL build on KL.
//
// Entropy is closed-form for the families that have one and an exact
// series for Poisson, Binomial, NegativeBinomial and Multinomial (summed
// over the mass window with saddle-point masses, Loader 2000; see
// entropy_series.go), accurate to 1e-12 relative against mpmath for
// counts and rates up to 1e6 (dist/testdata/entropy_*.py).
//
// # Supports and bijectors
//
// Every distribution reports its Support; each continuous support maps to a
// Bijector from unconstrained space (Exp, Softplus, Sigmoid, Tanh, Affine,
// StickBreaking, Ordered, PositiveOrdered, LowerCholesky, CorrCholesky,
// Compose) with its log-determinant, which the automatic guides of package
// vi use.
//
// # Specifications
//
// Package dist/spec reads torch-style specifications such as
// "Independent(Normal(loc=[0, 0], scale=[1, 1]), 1)" and builds the
// distributions they describe; the kldiv command uses it.
package dist
