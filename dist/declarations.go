package dist

import "github.com/kldiv/kldiv/ad"

// declarations is the table of family declarations, one entry per family
// (built at init: the constructors it names call Validate, which reads
// it). Params are in torch's positional order; fields lists the struct's
// fields in that order.
func declarations() []FamilyDecl {
	return []FamilyDecl{
		// Univariate families with one set of parameters.
		declare("Normal", "normal distribution", func(d *Normal) []*ad.Var { return []*ad.Var{&d.Loc, &d.Scale} },
			ParamDecl{Name: "loc", Constraint: ConstraintReal, Doc: "mean"},
			ParamDecl{Name: "scale", Constraint: ConstraintPositive, Doc: "standard deviation"}),
		declare("Cauchy", "Cauchy distribution", func(d *Cauchy) []*ad.Var { return []*ad.Var{&d.Loc, &d.Scale} },
			ParamDecl{Name: "loc", Constraint: ConstraintReal, Doc: "median"},
			ParamDecl{Name: "scale", Constraint: ConstraintPositive, Doc: "half width at half maximum"}),
		declare("Laplace", "Laplace (double exponential) distribution", func(d *Laplace) []*ad.Var { return []*ad.Var{&d.Loc, &d.Scale} },
			ParamDecl{Name: "loc", Constraint: ConstraintReal, Doc: "mean"},
			ParamDecl{Name: "scale", Constraint: ConstraintPositive, Doc: "scale b (variance 2b²)"}),
		declare("Gumbel", "Gumbel (type I extreme value) distribution", func(d *Gumbel) []*ad.Var { return []*ad.Var{&d.Loc, &d.Scale} },
			ParamDecl{Name: "loc", Constraint: ConstraintReal, Doc: "mode"},
			ParamDecl{Name: "scale", Constraint: ConstraintPositive, Doc: "scale"}),
		declare("LogNormal", "log-normal distribution", func(d *LogNormal) []*ad.Var { return []*ad.Var{&d.Loc, &d.Scale} },
			ParamDecl{Name: "loc", Constraint: ConstraintReal, Doc: "mean of log x"},
			ParamDecl{Name: "scale", Constraint: ConstraintPositive, Doc: "standard deviation of log x"}),
		declare("Beta", "beta distribution on [0, 1]", func(d *Beta) []*ad.Var { return []*ad.Var{&d.Concentration1, &d.Concentration0} },
			ParamDecl{Name: "concentration1", Constraint: ConstraintPositive, Doc: "α, exponent of x"},
			ParamDecl{Name: "concentration0", Constraint: ConstraintPositive, Doc: "β, exponent of 1-x"}),
		declare("Gamma", "gamma distribution", func(d *Gamma) []*ad.Var { return []*ad.Var{&d.Concentration, &d.Rate} },
			ParamDecl{Name: "concentration", Constraint: ConstraintPositive, Doc: "shape α"},
			ParamDecl{Name: "rate", Constraint: ConstraintPositive, Doc: "rate β (1/scale)"}),
		declare("InverseGamma", "inverse gamma distribution", func(d *InverseGamma) []*ad.Var { return []*ad.Var{&d.Concentration, &d.Rate} },
			ParamDecl{Name: "concentration", Constraint: ConstraintPositive, Doc: "shape α"},
			ParamDecl{Name: "rate", Constraint: ConstraintPositive, Doc: "scale β"}),
		declare("Uniform", "uniform distribution on [low, high)", func(d *Uniform) []*ad.Var { return []*ad.Var{&d.Low, &d.High} },
			ParamDecl{Name: "low", Constraint: ConstraintReal, Doc: "lower end"},
			ParamDecl{Name: "high", Constraint: ConstraintReal, Doc: "upper end, > low"}),
		declare("Pareto", "Pareto (type I) distribution", func(d *Pareto) []*ad.Var { return []*ad.Var{&d.Scale, &d.Alpha} },
			ParamDecl{Name: "scale", Constraint: ConstraintPositive, Doc: "minimum x_m"},
			ParamDecl{Name: "alpha", Constraint: ConstraintPositive, Doc: "tail index α"}),
		declare("Weibull", "Weibull distribution", func(d *Weibull) []*ad.Var { return []*ad.Var{&d.Scale, &d.Concentration} },
			ParamDecl{Name: "scale", Constraint: ConstraintPositive, Doc: "scale λ"},
			ParamDecl{Name: "concentration", Constraint: ConstraintPositive, Doc: "shape k"}),
		declare("Kumaraswamy", "Kumaraswamy distribution on [0, 1]", func(d *Kumaraswamy) []*ad.Var { return []*ad.Var{&d.Concentration1, &d.Concentration0} },
			ParamDecl{Name: "concentration1", Constraint: ConstraintPositive, Doc: "a, exponent of x"},
			ParamDecl{Name: "concentration0", Constraint: ConstraintPositive, Doc: "b, exponent of 1-x^a"}),
		declare("VonMises", "von Mises distribution on the circle", func(d *VonMises) []*ad.Var { return []*ad.Var{&d.Loc, &d.Concentration} },
			ParamDecl{Name: "loc", Constraint: ConstraintReal, Doc: "mean direction (radians)"},
			ParamDecl{Name: "concentration", Constraint: ConstraintPositive, Doc: "concentration κ"}),
		declare("Chi2", "chi-squared distribution", func(d *Chi2) []*ad.Var { return []*ad.Var{&d.Df} },
			ParamDecl{Name: "df", Constraint: ConstraintPositive, Doc: "degrees of freedom"}),
		declare("Exponential", "exponential distribution", func(d *Exponential) []*ad.Var { return []*ad.Var{&d.Rate} },
			ParamDecl{Name: "rate", Constraint: ConstraintPositive, Doc: "rate λ (1/mean)"}),
		declare("HalfNormal", "half-normal distribution on [0, ∞)", func(d *HalfNormal) []*ad.Var { return []*ad.Var{&d.Scale} },
			ParamDecl{Name: "scale", Constraint: ConstraintPositive, Doc: "scale of the folded normal"}),
		declare("HalfCauchy", "half-Cauchy distribution on [0, ∞)", func(d *HalfCauchy) []*ad.Var { return []*ad.Var{&d.Scale} },
			ParamDecl{Name: "scale", Constraint: ConstraintPositive, Doc: "scale of the folded Cauchy"}),
		declare("Poisson", "Poisson distribution", func(d *Poisson) []*ad.Var { return []*ad.Var{&d.Rate} },
			ParamDecl{Name: "rate", Constraint: ConstraintNonNegative, Doc: "mean λ"}),
		declare("StudentT", "Student's t distribution", func(d *StudentT) []*ad.Var { return []*ad.Var{&d.Df, &d.Loc, &d.Scale} },
			ParamDecl{Name: "df", Constraint: ConstraintPositive, Doc: "degrees of freedom ν"},
			ParamDecl{Name: "loc", Constraint: ConstraintReal, Doc: "location (default 0)", Default: 0, HasDefault: true},
			ParamDecl{Name: "scale", Constraint: ConstraintPositive, Doc: "scale (default 1)", Default: 1, HasDefault: true}),
		declare("Delta", "point mass at v (pyro's Delta with event_dim = 0)", func(d *Delta) []*ad.Var { return []*ad.Var{&d.V, &d.LogDensity} },
			ParamDecl{Name: "v", Constraint: ConstraintReal, Doc: "the point"},
			ParamDecl{Name: "log_density", Constraint: ConstraintBelowInf, Optional: true, HasDefault: true, Doc: "log-density added at the point, per component (default 0)"}),

		// Univariate families with probs or logits.
		declare("Bernoulli", "Bernoulli distribution on {0, 1}", func(d *Bernoulli) []*ad.Var { return []*ad.Var{&d.Probs, &d.Logits} },
			ParamDecl{Name: "probs", Constraint: ConstraintUnitInterval, Doc: "probability of 1"},
			ParamDecl{Name: "logits", Constraint: ConstraintReal, Doc: "log-odds log(p/(1-p))"}).oneOf("probs", "logits"),
		declare("Binomial", "number of successes in total_count trials", func(d *Binomial) []*ad.Var { return []*ad.Var{&d.TotalCount, &d.Probs, &d.Logits} },
			ParamDecl{Name: "total_count", Constraint: ConstraintCount, Default: 1, HasDefault: true, Doc: "number of trials (default 1)"},
			ParamDecl{Name: "probs", Constraint: ConstraintUnitInterval, Doc: "success probability"},
			ParamDecl{Name: "logits", Constraint: ConstraintReal, Doc: "log-odds of success"}).oneOf("probs", "logits"),
		declare("Geometric", "number of failures before the first success", func(d *Geometric) []*ad.Var { return []*ad.Var{&d.Probs, &d.Logits} },
			ParamDecl{Name: "probs", Constraint: ConstraintUnitIntervalNoZero, Doc: "success probability"},
			ParamDecl{Name: "logits", Constraint: ConstraintReal, Doc: "log-odds of success"}).oneOf("probs", "logits"),
		declare("NegativeBinomial", "number of successes before total_count failures", func(d *NegativeBinomial) []*ad.Var {
			return []*ad.Var{&d.TotalCount, &d.Probs, &d.Logits}
		},
			ParamDecl{Name: "total_count", Constraint: ConstraintPositive, Doc: "number of failures r (real > 0)"},
			ParamDecl{Name: "probs", Constraint: ConstraintUnitIntervalNoOne, Doc: "success probability"},
			ParamDecl{Name: "logits", Constraint: ConstraintReal, Doc: "log-odds of success"}).oneOf("probs", "logits"),
		declare("ContinuousBernoulli", "continuous Bernoulli distribution on [0, 1]", func(d *ContinuousBernoulli) []*ad.Var { return []*ad.Var{&d.Probs, &d.Logits} },
			ParamDecl{Name: "probs", Constraint: ConstraintOpenUnitInterval, Doc: "shape λ (the mean is not λ)"},
			ParamDecl{Name: "logits", Constraint: ConstraintReal, Doc: "log(λ/(1-λ))"}).oneOf("probs", "logits"),
		declare("RelaxedBernoulli", "binary Concrete distribution on (0, 1)", func(d *RelaxedBernoulli) []*ad.Var { return []*ad.Var{&d.Temperature, &d.Probs, &d.Logits} },
			ParamDecl{Name: "temperature", Constraint: ConstraintPositive, Doc: "relaxation temperature"},
			ParamDecl{Name: "probs", Constraint: ConstraintOpenUnitInterval, Doc: "probability of the limit 1"},
			ParamDecl{Name: "logits", Constraint: ConstraintReal, Doc: "log-odds of the limit 1"}).oneOf("probs", "logits"),

		// Categorical families: a row of probs or logits holds K categories.
		declare("Categorical", "category index in 0..K-1", func(d *Categorical) []*ad.Var { return []*ad.Var{&d.Probs, &d.Logits} },
			ParamDecl{Name: "probs", Constraint: ConstraintSimplex, Shape: ShapeVector, Doc: "category weights (normalized)"},
			ParamDecl{Name: "logits", Constraint: ConstraintLogSimplex, Shape: ShapeVector, Doc: "unnormalized log-probabilities"}).oneOf("probs", "logits"),
		declare("OneHotCategorical", "one-hot vector of K categories", func(d *OneHotCategorical) []*ad.Var { return []*ad.Var{&d.Probs, &d.Logits} },
			ParamDecl{Name: "probs", Constraint: ConstraintSimplex, Shape: ShapeVector, Doc: "category weights (normalized)"},
			ParamDecl{Name: "logits", Constraint: ConstraintLogSimplex, Shape: ShapeVector, Doc: "unnormalized log-probabilities"}).oneOf("probs", "logits").event(1),
		declare("Multinomial", "category counts of total_count draws", func(d *Multinomial) []*ad.Var { return []*ad.Var{&d.TotalCount, &d.Probs, &d.Logits} },
			ParamDecl{Name: "total_count", Constraint: ConstraintCount, Default: 1, HasDefault: true, Doc: "number of draws (default 1)"},
			ParamDecl{Name: "probs", Constraint: ConstraintSimplex, Shape: ShapeVector, Doc: "category weights (normalized)"},
			ParamDecl{Name: "logits", Constraint: ConstraintLogSimplex, Shape: ShapeVector, Doc: "unnormalized log-probabilities"}).oneOf("probs", "logits").event(1),
		declare("RelaxedOneHotCategorical", "Concrete (Gumbel-softmax) distribution on the simplex", func(d *RelaxedOneHotCategorical) []*ad.Var {
			return []*ad.Var{&d.Temperature, &d.Probs, &d.Logits}
		},
			ParamDecl{Name: "temperature", Constraint: ConstraintPositive, Doc: "relaxation temperature"},
			ParamDecl{Name: "probs", Constraint: ConstraintPositive, Shape: ShapeVector, Doc: "category weights (normalized)"},
			ParamDecl{Name: "logits", Constraint: ConstraintReal, Shape: ShapeVector, Doc: "unnormalized log-probabilities"}).oneOf("probs", "logits").event(1),
		declare("Dirichlet", "Dirichlet distribution on the simplex", func(d *Dirichlet) []*ad.Var { return []*ad.Var{&d.Concentration} },
			ParamDecl{Name: "concentration", Constraint: ConstraintPositive, Shape: ShapeVector, Doc: "concentrations α_k"}).event(1),

		// Gaussians.
		mvnDecl(),
		declare("LowRankMultivariateNormal", "normal with covariance W Wᵀ + diag(d)", func(d *LowRankMultivariateNormal) []*ad.Var {
			return []*ad.Var{&d.Loc, &d.CovFactor, &d.CovDiag}
		},
			ParamDecl{Name: "loc", Constraint: ConstraintReal, Shape: ShapeVector, Doc: "mean"},
			ParamDecl{Name: "cov_factor", Constraint: ConstraintReal, Shape: ShapeFactor, Doc: "factor W (D x K)"},
			ParamDecl{Name: "cov_diag", Constraint: ConstraintPositive, Shape: ShapeVector, Doc: "diagonal d"}).event(1),
	}
}

// mvnDecl declares MultivariateNormal: loc with exactly one of the
// covariance, precision or lower Cholesky factor matrices. The struct
// holds the factor; the matrices are factored by the constructors.
func mvnDecl() FamilyDecl {
	f := declare(mvnFamily, "multivariate normal distribution", func(d *MultivariateNormal) []*ad.Var { return []*ad.Var{&d.Loc, nil, nil, &d.ScaleTril} },
		ParamDecl{Name: "loc", Constraint: ConstraintReal, Shape: ShapeVector, Doc: "mean"},
		ParamDecl{Name: "covariance_matrix", Constraint: ConstraintPositiveDefinite, Shape: ShapeSquare, Doc: "covariance Σ"},
		ParamDecl{Name: "precision_matrix", Constraint: ConstraintPositiveDefinite, Shape: ShapeSquare, Doc: "precision Σ⁻¹"},
		ParamDecl{Name: "scale_tril", Constraint: ConstraintLowerCholesky, Shape: ShapeSquare, Doc: "lower Cholesky factor L of Σ = L Lᵀ"},
	).oneOf("covariance_matrix", "precision_matrix", "scale_tril").event(1)
	f.New = func(v []ad.Var) (Distribution, error) {
		if err := declIndex[mvnFamily].checkOneOf(v); err != nil {
			return nil, err
		}
		switch {
		case v[1] != (ad.Var{}):
			return MultivariateNormalCov(v[0], v[1])
		case v[2] != (ad.Var{}):
			return MultivariateNormalPrecision(v[0], v[2])
		}
		return MultivariateNormalScaleTril(v[0], v[3])
	}
	return f
}
