package mixture

import "fmt"

// CovarianceType is the form of the component covariances.
type CovarianceType int

const (
	// Full gives each component its own full covariance matrix.
	Full CovarianceType = iota
	// Tied shares one full covariance matrix between all components.
	Tied
	// Diag gives each component its own diagonal covariance.
	Diag
	// Spherical gives each component its own single variance.
	Spherical
)

// String returns scikit-learn's name of the type ("full", "tied", ...).
func (c CovarianceType) String() string {
	switch c {
	case Full:
		return "full"
	case Tied:
		return "tied"
	case Diag:
		return "diag"
	case Spherical:
		return "spherical"
	}
	return fmt.Sprintf("CovarianceType(%d)", int(c))
}

// WeightPrior is the prior on the mixture weights.
type WeightPrior int

const (
	// DirichletProcess is the truncated stick-breaking prior
	// (scikit-learn's default, "dirichlet_process").
	DirichletProcess WeightPrior = iota
	// DirichletDistribution is a symmetric Dirichlet prior
	// ("dirichlet_distribution").
	DirichletDistribution
)

// String returns scikit-learn's name of the prior.
func (w WeightPrior) String() string {
	switch w {
	case DirichletProcess:
		return "dirichlet_process"
	case DirichletDistribution:
		return "dirichlet_distribution"
	}
	return fmt.Sprintf("WeightPrior(%d)", int(w))
}

// Init is how the responsibilities are initialized.
type Init int

const (
	// KMeans assigns each point to its cluster of one k-means run
	// (Lloyd's algorithm from a greedy k-means++ seeding).
	KMeans Init = iota
	// KMeansPlusPlus gives responsibility one to the K points chosen by
	// greedy k-means++ seeding and zero to all others.
	KMeansPlusPlus
	// Random draws uniform responsibilities and normalizes each row.
	Random
	// RandomFromData gives responsibility one to K distinct random points.
	RandomFromData
)

// String returns scikit-learn's name of the initialization.
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
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// BayesianGaussian holds the settings of a Bayesian Gaussian mixture fit.
// New returns scikit-learn's defaults; a zero prior field means "the
// default derived from the data" as documented on the field.
type BayesianGaussian struct {
	// K is the (maximum) number of components, at least 1.
	K int
	// Covariance is the covariance type (default Full).
	Covariance CovarianceType
	// WeightPrior is the prior on the weights (default DirichletProcess).
	WeightPrior WeightPrior
	// WeightConcentration is the Dirichlet concentration (or the
	// stick-breaking concentration); 0 means 1/K.
	WeightConcentration float64
	// MeanPrecision is the prior precision scale beta_0 of the means; 0
	// means 1.
	MeanPrecision float64
	// MeanPrior is the prior mean m_0 (length d); nil means the data mean.
	MeanPrior []float64
	// DegreesOfFreedom is the Wishart prior's nu_0 (> d - 1); 0 means d.
	DegreesOfFreedom float64
	// CovariancePrior is the Wishart prior's inverse scale W_0^-1: d*d
	// row-major for Full and Tied, d variances for Diag, one variance for
	// Spherical. nil means the data covariance (ddof 1), its diagonal, or
	// the mean of its diagonal.
	CovariancePrior []float64
	// RegCovar is added to the diagonal of every weighted sample
	// covariance (New sets 1e-6).
	RegCovar float64
	// Tol stops a run when the lower bound changes by less than Tol in
	// absolute value (New sets 1e-3).
	Tol float64
	// MaxIter is the maximum number of iterations per run (New sets 100).
	MaxIter int
	// NInit is the number of initializations; the run with the highest
	// final lower bound is kept (New sets 1).
	NInit int
	// Init is the initialization method (default KMeans).
	Init Init
	// InitLabels, if not nil, are initial hard assignments (one per point,
	// in 0..K-1) used instead of Init, so that a fit can start from
	// responsibilities computed elsewhere.
	InitLabels []int
	// Seed seeds the random stream of the initialization.
	Seed uint64
	// WarmStart, if not nil, continues from this earlier fit: one run,
	// no initialization, the first change measured from its lower bound.
	WarmStart *Model
	// ChunkSize is the number of points per chunk of the parallel pass
	// (0 means 1024). The result depends on it only through rounding.
	ChunkSize int
	// Workers is the number of goroutines (0 means GOMAXPROCS). The
	// result does not depend on it.
	Workers int
}

// New returns scikit-learn 1.2's default settings for k components:
// full covariances, a Dirichlet-process weight prior with concentration
// 1/k, reg_covar 1e-6, tol 1e-3, 100 iterations, one k-means
// initialization.
func New(k int) *BayesianGaussian {
	return &BayesianGaussian{K: k, RegCovar: 1e-6, Tol: 1e-3, MaxIter: 100, NInit: 1}
}
