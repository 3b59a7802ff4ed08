package mixture

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// SVIOptions are the settings of FitSVI beyond the model's Config.
type SVIOptions struct {
	// BatchSize is the minibatch of data points per step (0: 500; at
	// least n: full batch).
	BatchSize int
	// Steps is the number of optimizer steps (0: 4000).
	Steps int
	// LearningRate is Adam's initial step size (0: 0.1); it decays
	// exponentially to FinalLearningRate (0: LearningRate/50).
	LearningRate, FinalLearningRate float64
	// Progress, if not nil, is called after every step with the number of
	// steps done and the step's ELBO estimate (for progress bars).
	Progress func(step int, elbo float64)
}

// SVIResult is a mixture fitted by FitSVI.
type SVIResult struct {
	// Mixture holds the point estimates of the variational posterior:
	// Weights = E_q[π], Means = E_q[μ_k], Precisions = E_q[Λ_k] (with their
	// Cholesky factors) and Covariances = E_q[Λ_k]^-1, the quantities CAVI
	// reports, so LogDensity, MeanLogDensity, EffectiveComponents and
	// Sample compare the two fits the same way. WeightConcentration is the
	// guide's Dirichlet; the Gaussian-Wishart fields MeanPrecision and
	// DegreesOfFreedom are not set (the guide is not Gaussian-Wishart), so
	// ScoreSamples, Predict and PredictProba do not apply.
	Mixture *Mixture
	// ELBO is the minibatch estimate of the evidence lower bound (nats,
	// over the whole data set) at every step.
	ELBO []float64
	// Model is the program and its guide, with the fitted parameters in
	// Params.
	Model  *SVIModel
	Params *vi.ParamStore
}

// SVIModel is the Bayesian Gaussian mixture of Fit (Dirichlet weight
// prior, full covariances, Gaussian-Wishart component prior with the same
// hyperparameters) written as a probabilistic program, with a mean-field
// guide. The assignments are not in the guide: elbo.TraceEnum sums them out
// per data point (parallel enumeration), so the objective is
//
//	E_q[log p(π, μ, Λ) - log q(π, μ, Λ)] + Σ_i E_q[log Σ_k π_k N(x_i | μ_k, Λ_k⁻¹)].
//
// Wishart precisions are written by the Bartlett decomposition (Bartlett
// 1933; e.g. Anderson 2003, §7.2): with W0 = Ψ0⁻¹ = L Lᵀ, Λ = L A Aᵀ Lᵀ
// for A lower triangular with A_ii² ~ χ²(ν0 - i) and A_ij ~ N(0, 1) below
// the diagonal, so every latent is a scalar with a reparameterized guide.
//
// Model and Guide are written for one particle per step (global latents
// are K-row matrices, the data plate's rows are points); use them with
// elbo.TraceEnum{Particles: 1}, as FitSVI does.
type SVIModel struct {
	x         ad.Matrix
	k, d      int
	batch     int
	pr        priors
	lw        []float64 // Cholesky factor of W0, d x d
	toM       ad.Matrix // maps [√diag(A), offdiag(A)] to L·A, row-major
	gram      [2][]ad.Matrix
	init      *Mixture
	cholInitM [][]float64 // initial A per component
}

// NewSVIModel returns the program for the n x d points x (row-major) with
// cfg's priors (Full covariances, Dirichlet weight prior), minibatches of
// batch points (0 or >= n: all), and a guide initialized like Fit: one M
// step from k-means (cfg.Init, cfg.Seed).
func NewSVIModel(ctx context.Context, x []float64, d int, cfg Config, batch int) (*SVIModel, error) {
	if d < 1 || len(x)%d != 0 {
		return nil, fmt.Errorf("mixture: %d values are not a whole number of %d-dimensional points", len(x), d)
	}
	if cfg.Covariance != Full {
		return nil, fmt.Errorf("mixture: SVI supports covariance type full, got %v", cfg.Covariance)
	}
	if cfg.WeightPrior != DirichletDistribution {
		return nil, fmt.Errorf("mixture: SVI supports the Dirichlet distribution weight prior, got %v", cfg.WeightPrior)
	}
	n := len(x) / d
	if err := cfg.validate(n, d); err != nil {
		return nil, err
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("mixture: point %d, coordinate %d is %v: want finite data", i/d, i%d, v)
		}
	}
	pr := resolvePriors(x, n, d, &cfg)
	k := cfg.Components
	// Initialization as Fit's first run: the variational posterior after
	// one M step from the initial responsibilities.
	e := newEngine(x, n, d, k, cfg.Covariance)
	m0 := newMixture(k, d, cfg.Covariance, cfg.WeightPrior)
	err := initialize(ctx, e, m0, pr, &cfg, rand.New(rand.NewPCG(cfg.Seed, 0x6d6978)))
	e.close()
	if err != nil {
		return nil, err
	}
	m0.finish()
	psi := mat.NewSymDense(d, nil)
	for a := range d {
		for b := a; b < d; b++ {
			psi.SetSym(a, b, pr.psi0[a*d+b])
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(psi) {
		return nil, fmt.Errorf("mixture: the covariance prior is not positive definite")
	}
	var w0 mat.SymDense
	if err := ch.InverseTo(&w0); err != nil {
		return nil, fmt.Errorf("mixture: inverting the covariance prior: %w", err)
	}
	var cw mat.Cholesky
	if !cw.Factorize(&w0) {
		return nil, fmt.Errorf("mixture: W0 is not positive definite")
	}
	var lt mat.TriDense
	cw.LTo(&lt)
	lw := make([]float64, d*d)
	for a := range d {
		for b := 0; b <= a; b++ {
			lw[a*d+b] = lt.At(a, b)
		}
	}
	s := &SVIModel{x: ad.Matrix{Rows: n, Cols: d, Data: x}, k: k, d: d, batch: batch, pr: pr, lw: lw, init: m0}
	s.buildMaps()
	// A_k = L⁻¹ chol(E[Λ_k]) of the initial posterior.
	var linv mat.Dense
	if err := linv.Inverse(mat.NewDense(d, d, lw)); err != nil {
		return nil, err
	}
	for j := range k {
		pj := mat.NewSymDense(d, nil)
		for a := range d {
			for b := a; b < d; b++ {
				pj.SetSym(a, b, m0.Precisions[j][a*d+b])
			}
		}
		var cj mat.Cholesky
		if !cj.Factorize(pj) {
			return nil, fmt.Errorf("mixture: initial precision %d is not positive definite", j)
		}
		var lj mat.TriDense
		cj.LTo(&lj)
		var a mat.Dense
		a.Mul(&linv, &lj)
		s.cholInitM = append(s.cholInitM, append([]float64(nil), a.RawMatrix().Data...))
	}
	return s, nil
}

// buildMaps prepares the constant matrices that turn the Bartlett factors
// into the precision's Cholesky factor M = L·A (K x d² rows) and M into
// Λ = M Mᵀ: Λ_ab = Σ_l (M E_l)_ab (M F_l)_ab with E_l, F_l selecting
// M_al and M_bl.
func (s *SVIModel) buildMaps() {
	d := s.d
	nOff := d * (d - 1) / 2
	// Columns of the input: √c_0..√c_{d-1}, then the off-diagonals (i > j)
	// in row order.
	in := d + nOff
	toA := make([]float64, in*d*d)
	for i := range d {
		toA[i*d*d+i*d+i] = 1
	}
	o := d
	for i := range d {
		for j := range i {
			toA[o*d*d+i*d+j] = 1
			o++
		}
	}
	// A (flat) to L·A: (LA)_{ij} = Σ_l L_il A_lj.
	t := make([]float64, d*d*d*d)
	for i := range d {
		for j := range d {
			for l := range d {
				t[(l*d+j)*d*d+i*d+j] = s.lw[i*d+l]
			}
		}
	}
	var tm, am mat.Dense
	am.Mul(mat.NewDense(in, d*d, toA), mat.NewDense(d*d, d*d, t))
	tm.CloneFrom(&am)
	s.toM = ad.Matrix{Rows: in, Cols: d * d, Data: tm.RawMatrix().Data}
	for l := range d {
		e := make([]float64, d*d*d*d)
		f := make([]float64, d*d*d*d)
		for a := range d {
			for b := range d {
				e[(a*d+l)*d*d+a*d+b] = 1
				f[(b*d+l)*d*d+a*d+b] = 1
			}
		}
		s.gram[0] = append(s.gram[0], ad.Matrix{Rows: d * d, Cols: d * d, Data: e})
		s.gram[1] = append(s.gram[1], ad.Matrix{Rows: d * d, Cols: d * d, Data: f})
	}
}

// precision returns the K x d² rows of Λ_k = M_k M_kᵀ, M_k = L A_k, from
// the Bartlett factors: c (K x d, A_ii²) and off (K x d(d-1)/2).
func (s *SVIModel) precision(p *vi.Program, c, off ad.Var) ad.Var {
	in := ad.Sqrt(c)
	if off != (ad.Var{}) {
		in = ad.ConcatCols(in, off)
	}
	m := ad.MatMul(in, p.Const(s.toM.Rows, s.toM.Cols, s.toM.Data))
	var lam ad.Var
	for l := range s.d {
		e, f := s.gram[0][l], s.gram[1][l]
		term := ad.Mul(ad.MatMul(m, p.Const(e.Rows, e.Cols, e.Data)), ad.MatMul(m, p.Const(f.Rows, f.Cols, f.Data)))
		if l == 0 {
			lam = term
		} else {
			lam = ad.Add(lam, term)
		}
	}
	return lam
}

// Model is the mixture as a program:
//
//	π ~ Dirichlet(γ0), A_k ~ Bartlett(ν0) (Λ_k = L A_k A_kᵀ Lᵀ ~ Wishart(ν0, W0)),
//	μ_k | Λ_k ~ N(m0, (β0 Λ_k)⁻¹),
//	z_i ~ Categorical(π), x_i | z_i ~ N(μ_{z_i}, Λ_{z_i}⁻¹)  for i in the data plate.
func (s *SVIModel) Model(p *vi.Program) {
	k, d := s.k, s.d
	w := p.Sample("weights", dist.Dirichlet{Concentration: ad.Full(1, k, s.pr.gamma0)})
	df := make([]float64, d)
	for i := range df {
		df[i] = s.pr.nu0 - float64(i)
	}
	c := p.Sample("bartlett_diag", dist.Chi2{Df: p.Const(1, d, df)})
	var off ad.Var
	if d > 1 {
		off = p.Sample("bartlett_off", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(1)})
	}
	covTril := ad.InvCholeskyRows(s.precision(p, c, off), d) // K x d²: Σ_k = covTril covTrilᵀ
	mu := p.Sample("means", dist.MultivariateNormal{
		Loc:       ad.TileRows(p.Const(1, d, s.pr.m0), k),
		ScaleTril: ad.Scale(covTril, 1/math.Sqrt(s.pr.beta0)),
	})
	pl := p.Plate("data", s.x.Rows, s.batch)
	// Enumerated by TraceEnum: K blocks of Len rows, block j = component j.
	z := pl.Sample("assignment", dist.Categorical{Probs: w})
	idx := make([]int, z.Rows())
	for i, v := range z.Value() {
		idx[i] = int(v)
	}
	xb := pl.Rows(s.x)
	pl.Observe("x", dist.MultivariateNormal{Loc: ad.GatherRows(mu, idx), ScaleTril: ad.GatherRows(covTril, idx)}, ad.TileRows(xb, z.Rows()/xb.Rows()))
}

// Guide is the mean-field guide q(π) Π_k q(A_k) q(μ_k): a Dirichlet over
// the weights, log-normal A_ii², normal off-diagonal A_ij and normal means
// (each coordinate independent), all reparameterized.
func (s *SVIModel) Guide(p *vi.Program) {
	k, d := s.k, s.d
	m0 := s.init
	nOff := d * (d - 1) / 2
	alpha0 := make([]float64, k)
	for j := range k {
		alpha0[j] = math.Log(m0.WeightConcentration[j])
	}
	logAlpha := p.Param("q_weights_log_concentration", 1, k, alpha0, nil)
	p.Sample("weights", dist.Dirichlet{Concentration: ad.Exp(logAlpha)})

	cLoc0, cLs0 := make([]float64, k*d), make([]float64, k*d)
	oLoc0, oLs0 := make([]float64, k*nOff), make([]float64, k*nOff)
	mLoc0, mLs0 := make([]float64, k*d), make([]float64, k*d)
	for j := range k {
		a := s.cholInitM[j]
		o := 0
		for i := range d {
			cLoc0[j*d+i] = 2 * math.Log(a[i*d+i])
			cLs0[j*d+i] = math.Log(0.05)
			for l := range i {
				oLoc0[j*nOff+o] = a[i*d+l]
				oLs0[j*nOff+o] = math.Log(0.05)
				o++
			}
			mLoc0[j*d+i] = m0.Means[j][i]
			mLs0[j*d+i] = 0.5 * math.Log(m0.Covariances[j][i*d+i]/m0.MeanPrecision[j])
		}
	}
	cLoc := p.Param("q_bartlett_diag_loc", k, d, cLoc0, nil)
	cLs := p.Param("q_bartlett_diag_log_scale", k, d, cLs0, nil)
	p.Sample("bartlett_diag", dist.LogNormal{Loc: cLoc, Scale: ad.Exp(cLs)})
	if nOff > 0 {
		oLoc := p.Param("q_bartlett_off_loc", k, nOff, oLoc0, nil)
		oLs := p.Param("q_bartlett_off_log_scale", k, nOff, oLs0, nil)
		p.Sample("bartlett_off", dist.Normal{Loc: oLoc, Scale: ad.Exp(oLs)})
	}
	mLoc := p.Param("q_means_loc", k, d, mLoc0, nil)
	mLs := p.Param("q_means_log_scale", k, d, mLs0, nil)
	p.Sample("means", dist.Normal{Loc: mLoc, Scale: ad.Exp(mLs)})
}

// FitSVI fits the Bayesian Gaussian mixture of Fit (cfg: Full covariances
// and the DirichletDistribution weight prior; the same priors and
// initialization) by minibatch stochastic variational inference with the
// program SVIModel, its assignments summed out by elbo.TraceEnum, one
// reparameterized particle per step and Adam with an exponentially
// decaying step size. A cancelled ctx stops the fit with ctx's error.
func FitSVI(ctx context.Context, x []float64, d int, cfg Config, opt SVIOptions) (*SVIResult, error) {
	if opt.BatchSize < 0 || opt.Steps < 0 || opt.LearningRate < 0 || opt.FinalLearningRate < 0 {
		return nil, fmt.Errorf("mixture: SVIOptions %+v: negative setting", opt)
	}
	if opt.BatchSize == 0 {
		opt.BatchSize = 500
	}
	if opt.Steps == 0 {
		opt.Steps = 4000
	}
	if opt.LearningRate == 0 {
		opt.LearningRate = 0.1
	}
	if opt.FinalLearningRate == 0 {
		opt.FinalLearningRate = opt.LearningRate / 50
	}
	s, err := NewSVIModel(ctx, x, d, cfg, opt.BatchSize)
	if err != nil {
		return nil, err
	}
	env := vi.NewEnv(rand.New(rand.NewPCG(cfg.Seed, 0x737669)), 1)
	guide := vi.GuideFunc(s.Guide)
	obj := elbo.TraceEnum{}
	gamma := math.Pow(opt.FinalLearningRate/opt.LearningRate, 1/float64(opt.Steps))
	o := optim.NewExponentialDecay(optim.NewAdam(opt.LearningRate), gamma)
	res := &SVIResult{Model: s, Params: env.Params, ELBO: make([]float64, 0, opt.Steps)}
	for step := range opt.Steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		env.Step = step
		env.Tape.Reset()
		params := env.Params.Params()
		for _, p := range params {
			p.ZeroGrad()
		}
		loss, st, err := obj.Loss(env, s.Model, guide)
		if err != nil {
			return nil, fmt.Errorf("mixture: SVI step %d: %w", step, err)
		}
		if lv := loss.Scalar(); math.IsNaN(lv) || math.IsInf(lv, 0) {
			return nil, fmt.Errorf("mixture: SVI step %d: the ELBO is %v (site %q)", step, -lv, st.BadSite)
		}
		env.Tape.Backward(loss)
		o.Step(env.Params.Params())
		res.ELBO = append(res.ELBO, st.ELBO)
		if opt.Progress != nil {
			opt.Progress(step+1, st.ELBO)
		}
	}
	m, err := s.pointEstimate(env.Params)
	if err != nil {
		return nil, err
	}
	res.Mixture = m
	return res, nil
}

// pointEstimate returns the guide's expectations as a Mixture: E[π] =
// α/Σα, E[μ], E[Λ_k] = L E[A Aᵀ] Lᵀ with E[A_ii] = E[√c] = exp(m/2 + s²/8),
// E[A_ii²] = exp(m + s²/2) for log-normal c, and the normal moments below
// the diagonal.
func (s *SVIModel) pointEstimate(ps *vi.ParamStore) (*Mixture, error) {
	k, d := s.k, s.d
	nOff := d * (d - 1) / 2
	get := func(name string) []float64 {
		v, ok := ps.Value(name)
		if !ok {
			return make([]float64, k*max(nOff, 1))
		}
		return v.Data
	}
	la, cl, cs := get("q_weights_log_concentration"), get("q_bartlett_diag_loc"), get("q_bartlett_diag_log_scale")
	ol, os := get("q_bartlett_off_loc"), get("q_bartlett_off_log_scale")
	ml := get("q_means_loc")
	m := newMixture(k, d, Full, DirichletDistribution)
	ea, ea2 := make([]float64, d*d), make([]float64, d*d)
	chol := make([]float64, d*d)
	for j := range k {
		m.WeightConcentration[j] = math.Exp(la[j])
		copy(m.Means[j], ml[j*d:(j+1)*d])
		clear(ea)
		clear(ea2)
		o := 0
		for i := range d {
			mu, sd := cl[j*d+i], math.Exp(cs[j*d+i])
			ea[i*d+i] = math.Exp(mu/2 + sd*sd/8)
			ea2[i*d+i] = math.Exp(mu + sd*sd/2)
			for l := range i {
				mo, so := ol[j*nOff+o], math.Exp(os[j*nOff+o])
				ea[i*d+l], ea2[i*d+l] = mo, mo*mo+so*so
				o++
			}
		}
		// E[A Aᵀ]_ab = Σ_l E[A_al A_bl] (independent entries).
		aat := mat.NewSymDense(d, nil)
		for a := range d {
			for b := a; b < d; b++ {
				var v float64
				for l := range d {
					if a == b {
						v += ea2[a*d+l]
					} else {
						v += ea[a*d+l] * ea[b*d+l]
					}
				}
				aat.SetSym(a, b, v)
			}
		}
		var lam mat.Dense
		lm := mat.NewDense(d, d, s.lw)
		lam.Product(lm, aat, lm.T())
		var cov mat.Dense
		if err := cov.Inverse(&lam); err != nil {
			return nil, fmt.Errorf("mixture: SVI precision %d is singular: %w", j, err)
		}
		for a := range d {
			for b := range d {
				m.Covariances[j][a*d+b] = 0.5 * (cov.At(a, b) + cov.At(b, a))
			}
		}
		ld, err := precisionCholesky(m.PrecisionsCholesky[j], m.Covariances[j], chol, d)
		if err != nil {
			return nil, fmt.Errorf("%w: SVI component %d is not positive definite", ErrIllDefined, j)
		}
		m.logDetU[j] = ld
	}
	m.finish()
	return m, nil
}
