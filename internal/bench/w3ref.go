package bench

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/estimators"
	"github.com/kldiv/kldiv/internal/special"
)

// logRegReference is the posterior mean and sd of Bayesian logistic
// regression (w ~ N(0, s² I), y_i ~ Bernoulli(sigmoid(x_i · w))) computed
// by self-normalized importance sampling, the reference against which
// W3's fit is scored.
type logRegReference struct {
	Mean, SD []float64
	// MAP is the mode and LaplaceSD the sds of the Laplace approximation.
	MAP, LaplaceSD []float64
	// KHat is the Pareto k-hat of the importance weights (Vehtari et al.
	// 2024): below 0.5 the estimates are reliable.
	KHat float64
	// ESS is the effective sample size (Σw)²/Σw² of the weights.
	ESS float64
	// Draws is the number of proposal draws.
	Draws int
}

// w3ReferenceNu is the degrees of freedom of the t proposal.
const w3ReferenceNu = 5

// logRegSNIS computes the reference for the n x d row-major design x,
// labels y and prior sd priorScale: the mode by Newton's method (the log
// posterior is strictly concave), the Laplace covariance Σ = H⁻¹ with H
// the negative Hessian there, then draws from the multivariate t with
// w3ReferenceNu degrees of freedom, location the mode and scale matrix Σ
// (heavier tails than the posterior, so the weights are bounded where it
// matters), and self-normalized importance weights p(w | y) / t(w)
// (Geweke 1989). k-hat comes from Pareto-smoothed importance sampling
// (estimators.PSIS); the means and sds use the plain self-normalized
// weights.
func logRegSNIS(x []float64, n, d int, y []float64, priorScale float64, draws int, rng *rand.Rand) (logRegReference, error) {
	if len(x) != n*d || len(y) != n {
		return logRegReference{}, fmt.Errorf("bench: logRegSNIS: %d design values and %d labels for n = %d, d = %d", len(x), len(y), n, d)
	}
	if draws < 100 {
		return logRegReference{}, fmt.Errorf("bench: logRegSNIS: draws = %d, want at least 100", draws)
	}
	X := mat.NewDense(n, d, x)
	prec := 1 / (priorScale * priorScale)
	w := mat.NewVecDense(d, nil)
	lin := mat.NewVecDense(n, nil)
	grad := mat.NewVecDense(d, nil)
	r := mat.NewVecDense(n, nil)
	h := mat.NewSymDense(d, nil)
	var ch mat.Cholesky
	newton := func() {
		lin.MulVec(X, w)
		for i := 0; i < n; i++ {
			p := special.Sigmoid(lin.AtVec(i))
			r.SetVec(i, y[i]-p)
		}
		grad.MulVec(X.T(), r)
		grad.AddScaledVec(grad, -prec, w)
		// H = Xᵀ diag(p(1-p)) X + prec I.
		xs := mat.NewDense(n, d, nil)
		for i := 0; i < n; i++ {
			p := special.Sigmoid(lin.AtVec(i))
			c := math.Sqrt(p * (1 - p))
			for j := 0; j < d; j++ {
				xs.Set(i, j, c*X.At(i, j))
			}
		}
		h.SymOuterK(1, xs.T())
		for j := 0; j < d; j++ {
			h.SetSym(j, j, h.At(j, j)+prec)
		}
	}
	for it := 0; ; it++ {
		newton()
		if !ch.Factorize(h) {
			return logRegReference{}, fmt.Errorf("bench: logRegSNIS: Hessian not positive definite at Newton iteration %d", it)
		}
		var step mat.VecDense
		if err := ch.SolveVecTo(&step, grad); err != nil {
			return logRegReference{}, fmt.Errorf("bench: logRegSNIS: %w", err)
		}
		w.AddVec(w, &step)
		if mat.Norm(&step, math.Inf(1)) < 1e-10 {
			break
		}
		if it == 100 {
			return logRegReference{}, fmt.Errorf("bench: logRegSNIS: Newton's method did not converge in 100 iterations")
		}
	}
	newton()
	if !ch.Factorize(h) {
		return logRegReference{}, fmt.Errorf("bench: logRegSNIS: Hessian not positive definite at the mode")
	}
	var cov mat.SymDense
	if err := ch.InverseTo(&cov); err != nil {
		return logRegReference{}, fmt.Errorf("bench: logRegSNIS: %w", err)
	}
	var cc mat.Cholesky
	if !cc.Factorize(&cov) {
		return logRegReference{}, fmt.Errorf("bench: logRegSNIS: Laplace covariance not positive definite")
	}
	var l mat.TriDense
	cc.LTo(&l)
	ref := logRegReference{MAP: make([]float64, d), LaplaceSD: make([]float64, d), Draws: draws}
	for j := 0; j < d; j++ {
		ref.MAP[j] = w.AtVec(j)
		ref.LaplaceSD[j] = math.Sqrt(cov.At(j, j))
	}

	// Proposal draws W (draws x d) and their log t density (up to the
	// constant, which self-normalization cancels).
	nu := float64(w3ReferenceNu)
	wd := make([]float64, draws*d)
	logw := make([]float64, draws)
	u := make([]float64, d)
	for s := 0; s < draws; s++ {
		var c, q float64
		for k := 0; k < w3ReferenceNu; k++ {
			g := rng.NormFloat64()
			c += g * g
		}
		f := math.Sqrt(nu / c)
		for j := range u {
			u[j] = f * rng.NormFloat64()
			q += u[j] * u[j]
		}
		row := wd[s*d : (s+1)*d]
		for i := 0; i < d; i++ {
			v := ref.MAP[i]
			for j := 0; j <= i; j++ {
				v += l.At(i, j) * u[j]
			}
			row[i] = v
		}
		logw[s] = 0.5 * (nu + float64(d)) * math.Log1p(q/nu)
	}
	// log p(y, w) in chunks: logits = X Wᵀ (n x chunk).
	const chunk = 500
	logits := make([]float64, n*chunk)
	for s0 := 0; s0 < draws; s0 += chunk {
		m := min(chunk, draws-s0)
		xg := blas64.General{Rows: n, Cols: d, Stride: d, Data: x}
		wg := blas64.General{Rows: m, Cols: d, Stride: d, Data: wd[s0*d : (s0+m)*d]}
		lg := blas64.General{Rows: n, Cols: m, Stride: m, Data: logits[:n*m]}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, xg, wg, 0, lg)
		for k := 0; k < m; k++ {
			var lp float64
			row := wd[(s0+k)*d : (s0+k+1)*d]
			for _, v := range row {
				lp -= 0.5 * prec * v * v
			}
			for i := 0; i < n; i++ {
				li := logits[i*m+k]
				lp += y[i]*li - special.Softplus(li)
			}
			logw[s0+k] += lp
		}
	}
	_, khat, err := estimators.PSIS(logw)
	if err != nil {
		return logRegReference{}, fmt.Errorf("bench: logRegSNIS: %w", err)
	}
	ref.KHat = khat
	mx := math.Inf(-1)
	for _, v := range logw {
		mx = math.Max(mx, v)
	}
	wt := make([]float64, draws)
	var sw, sw2 float64
	for s, v := range logw {
		wt[s] = math.Exp(v - mx)
		sw += wt[s]
		sw2 += wt[s] * wt[s]
	}
	ref.ESS = sw * sw / sw2
	ref.Mean, ref.SD = make([]float64, d), make([]float64, d)
	for s := 0; s < draws; s++ {
		a := wt[s] / sw
		for j := 0; j < d; j++ {
			ref.Mean[j] += a * wd[s*d+j]
		}
	}
	for s := 0; s < draws; s++ {
		a := wt[s] / sw
		for j := 0; j < d; j++ {
			dv := wd[s*d+j] - ref.Mean[j]
			ref.SD[j] += a * dv * dv
		}
	}
	for j := range ref.SD {
		ref.SD[j] = math.Sqrt(ref.SD[j])
	}
	return ref, nil
}

// rmsStandardized returns √(mean_j ((m_j - ref_j)/sd_j)²): the rms error
// of fitted means in reference posterior sds.
func rmsStandardized(m, ref, sd []float64) float64 {
	var s float64
	for j := range m {
		e := (m[j] - ref[j]) / sd[j]
		s += e * e
	}
	return math.Sqrt(s / float64(len(m)))
}
