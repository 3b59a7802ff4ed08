package mixture

import (
	"errors"
	"fmt"
	"math"
)

// CovarianceType is the form of the components' covariance matrices.
type CovarianceType uint8

const (
	// Full gives each component its own full covariance matrix.
	Full CovarianceType = iota
	// Tied shares one full covariance matrix between all components.
	Tied
	// Diag gives each component its own diagonal covariance matrix.
	Diag
	// Spherical gives each component its own single variance.
	Spherical
)

// String returns scikit-learn's name of t ("full", "tied", "diag",
// "spherical").
func (t CovarianceType) String() string {
	switch t {
	case Full:
		return "full"
	case Tied:
		return "tied"
	case Diag:
		return "diag"
	case Spherical:
		return "spherical"
	}
	return fmt.Sprintf("CovarianceType(%d)", t)
}

// ParseCovarianceType reads scikit-learn's names of the covariance types.
func ParseCovarianceType(s string) (CovarianceType, error) {
	for _, t := range []CovarianceType{Full, Tied, Diag, Spherical} {
		if s == t.String() {
			return t, nil
		}
	}
	return 0, fmt.Errorf("mixture: unknown covariance type %q (want full, tied, diag or spherical)", s)
}

// WeightPrior is the prior on the mixture weights.
type WeightPrior uint8

const (
	// DirichletDistribution is a symmetric Dirichlet(γ0, ..., γ0) prior
	// (scikit-learn's "dirichlet_distribution").
	DirichletDistribution WeightPrior = iota
	// DirichletProcess is a Dirichlet process with concentration γ0,
	// truncated at K components, in its stick-breaking form
	// (scikit-learn's "dirichlet_process", its default).
	DirichletProcess
)

// String returns scikit-learn's name of w.
func (w WeightPrior) String() string {
	switch w {
	case DirichletDistribution:
		return "dirichlet_distribution"
	case DirichletProcess:
		return "dirichlet_process"
	}
	return fmt.Sprintf("WeightPrior(%d)", w)
}

// Init is how the responsibilities of the first iteration are chosen.
type Init uint8

const (
	// KMeans assigns each point to its cluster in one k-means run
	// (k-means++ seeding, then Lloyd's iterations), scikit-learn's default.
	KMeans Init = iota
	// KMeansPlusPlus assigns K points chosen by k-means++ seeding to one
	// component each (the other points get no weight in the first M step).
	KMeansPlusPlus
	// Random draws responsibilities uniformly and normalizes them per point.
	Random
	// RandomFromData assigns K distinct random points to one component
	// each.
	RandomFromData
	// Labels starts from the hard assignment Config.Labels.
	Labels
)

// String returns scikit-learn's name of i ("labels" for Labels).
func (i Init) String() string {
	switch i {
	case KMeans:
		return "kmeans"
	case KMeansPlusPlus:
		return "k-means++"
	case Random:
		return "random"
	case RandomFromData:
		return "random_from_data"
	case Labels:
		return "labels"
	}
	return fmt.Sprintf("Init(%d)", i)
}

// Config holds the settings of a fit. NewConfig returns scikit-learn's
// defaults; the fields are then used as they are. Fields documented as
// "0 or nil: from the data" take scikit-learn's data-dependent default.
type Config struct {
	// Components is K, the number of components (an upper bound: the
	// posterior switches unneeded components off).
	Components int
	// Covariance is the covariance type.
	Covariance CovarianceType
	// WeightPrior is the prior on the weights.
	WeightPrior WeightPrior
	// WeightConcentration is γ0 of the weight prior, > 0 (default 1/K).
	WeightConcentration float64
	// MeanPrecision is β0, the precision of the mean prior relative to the
	// component precision, > 0 (default 1).
	MeanPrecision float64
	// MeanPrior is m0, the prior mean (nil: the data mean).
	MeanPrior []float64
	// DegreesOfFreedom is ν0 of the Wishart prior, > d - 1 (0: d).
	DegreesOfFreedom float64
	// CovariancePrior is the Wishart prior's inverse scale Ψ0: d x d
	// row-major for Full and Tied, d variances for Diag, one variance for
	// Spherical (nil: the data covariance with ddof 1, its diagonal, or
	// the mean of its diagonal).
	CovariancePrior []float64
	// RegCovar >= 0 is added to the diagonal of every weighted sample
	// covariance (default 1e-6), so that a component with collapsed
	// points stays positive definite.
	RegCovar float64
	// Tol > 0 stops a run when the lower bound changes by less than Tol
	// (absolute) between iterations (default 1e-3).
	Tol float64
	// MaxIter >= 0 bounds the iterations of a run (default 100).
	MaxIter int
	// NInit >= 1 runs the fit from that many initializations and keeps
	// the one with the highest lower bound (default 1).
	NInit int
	// Init chooses the first responsibilities (default KMeans).
	Init Init
	// Labels are the initial hard assignments (0 <= label < K), one per
	// point, for Init == Labels.
	Labels []int
	// Seed seeds the initialization; a seed reproduces the fit exactly.
	Seed uint64
	// WarmStart, if not nil, starts a single run from its parameters
	// (NInit and Init are ignored), as scikit-learn's warm_start.
	WarmStart *Mixture
}

// NewConfig returns scikit-learn's defaults for k components: full
// covariances, a Dirichlet-process weight prior with γ0 = 1/k, β0 = 1,
// m0 and Ψ0 from the data, ν0 = d, reg_covar 1e-6, tol 1e-3, 100
// iterations, one k-means initialization.
func NewConfig(k int) Config {
	return Config{
		Components:          k,
		Covariance:          Full,
		WeightPrior:         DirichletProcess,
		WeightConcentration: 1 / float64(k),
		MeanPrecision:       1,
		RegCovar:            1e-6,
		Tol:                 1e-3,
		MaxIter:             100,
		NInit:               1,
		Init:                KMeans,
	}
}

// ErrIllDefined is wrapped by the error of a fit in which a component's
// covariance is not positive definite (collapsed or singleton points
// without enough reg_covar).
var ErrIllDefined = errors.New("mixture: ill-defined empirical covariance")

// validate checks cfg against n points in d dimensions.
func (cfg *Config) validate(n, d int) error {
	k := cfg.Components
	switch {
	case k < 1:
		return fmt.Errorf("mixture: Components = %d, want at least 1", k)
	case n < k:
		return fmt.Errorf("mixture: %d points for %d components: want at least as many points as components", n, k)
	case cfg.Covariance > Spherical:
		return fmt.Errorf("mixture: unknown covariance type %d", cfg.Covariance)
	case cfg.WeightPrior > DirichletProcess:
		return fmt.Errorf("mixture: unknown weight prior %d", cfg.WeightPrior)
	case !(cfg.WeightConcentration > 0) || math.IsInf(cfg.WeightConcentration, 0):
		return fmt.Errorf("mixture: WeightConcentration = %v, want a finite value > 0", cfg.WeightConcentration)
	case !(cfg.MeanPrecision > 0) || math.IsInf(cfg.MeanPrecision, 0):
		return fmt.Errorf("mixture: MeanPrecision = %v, want a finite value > 0", cfg.MeanPrecision)
	case cfg.DegreesOfFreedom != 0 && !(cfg.DegreesOfFreedom > float64(d)-1):
		return fmt.Errorf("mixture: DegreesOfFreedom = %v, want > d - 1 = %d", cfg.DegreesOfFreedom, d-1)
	case !(cfg.RegCovar >= 0) || math.IsInf(cfg.RegCovar, 0):
		return fmt.Errorf("mixture: RegCovar = %v, want a finite value >= 0", cfg.RegCovar)
	case !(cfg.Tol > 0):
		return fmt.Errorf("mixture: Tol = %v, want > 0", cfg.Tol)
	case cfg.MaxIter < 0:
		return fmt.Errorf("mixture: MaxIter = %d, want >= 0", cfg.MaxIter)
	case cfg.NInit < 1:
		return fmt.Errorf("mixture: NInit = %d, want >= 1", cfg.NInit)
	case cfg.Init > Labels:
		return fmt.Errorf("mixture: unknown initialization %d", cfg.Init)
	}
	if cfg.MeanPrior != nil {
		if len(cfg.MeanPrior) != d {
			return fmt.Errorf("mixture: MeanPrior has %d values for %d dimensions", len(cfg.MeanPrior), d)
		}
		if err := finite("MeanPrior", cfg.MeanPrior); err != nil {
			return err
		}
	}
	if cfg.CovariancePrior != nil {
		want := map[CovarianceType]int{Full: d * d, Tied: d * d, Diag: d, Spherical: 1}[cfg.Covariance]
		if len(cfg.CovariancePrior) != want {
			return fmt.Errorf("mixture: CovariancePrior has %d values, want %d for %s covariances in %d dimensions", len(cfg.CovariancePrior), want, cfg.Covariance, d)
		}
		if err := finite("CovariancePrior", cfg.CovariancePrior); err != nil {
			return err
		}
	}
	if cfg.Init == Labels && cfg.WarmStart == nil {
		if len(cfg.Labels) != n {
			return fmt.Errorf("mixture: Init is Labels with %d labels for %d points", len(cfg.Labels), n)
		}
		for i, l := range cfg.Labels {
			if l < 0 || l >= k {
				return fmt.Errorf("mixture: Labels[%d] = %d, want 0 <= label < %d", i, l, k)
			}
		}
	}
	if w := cfg.WarmStart; w != nil && (w.K != k || w.D != d || w.Covariance != cfg.Covariance) {
		return fmt.Errorf("mixture: WarmStart has K = %d, d = %d, %s covariances; the fit asks for K = %d, d = %d, %s", w.K, w.D, w.Covariance, k, d, cfg.Covariance)
	}
	return nil
}

// finite returns an error naming the first non-finite value of v.
func finite(name string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("mixture: %s[%d] = %v, want a finite value", name, i, x)
		}
	}
	return nil
}
