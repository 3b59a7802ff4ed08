package loss

import (
	"errors"
	"fmt"
	"math"

	"github.com/kldiv/kldiv/internal/lbfgs"
)

// FitTemperature returns the temperature T > 0 that minimizes the mean
// negative log-likelihood of labels under softmax(logits/T) (temperature
// scaling, Guo, Pleiss, Sun and Weinberger 2017, "On calibration of
// modern neural networks"). logits is R x C row-major; labels has R
// entries in [0, C). Fit it on a validation split, not on the training
// data.
//
// In β = 1/T the NLL, mean_i [logsumexp(β z_i) − β z_{i,y_i}], is convex
// (its second derivative is the mean variance of z under softmax(β z)), so
// Newton's method with step halving finds the minimum; it stops when the
// step in T is below 1e-10 T. It returns an error for invalid input, for
// logits that do not vary within any row (every T is optimal), and when
// the NLL decreases without bound toward β ≤ 0 (the classifier ranks the
// true class below average: no positive temperature calibrates it).
func FitTemperature(logits []float64, cols int, labels []int) (float64, error) {
	r, err := checkClassification("FitTemperature", logits, cols, labels)
	if err != nil {
		return 0, err
	}
	// f'(β) = mean(E_β[z] − z_y), f''(β) = mean(Var_β[z]).
	deriv := func(beta float64) (f, g, h float64) {
		for i := range r {
			z := logits[i*cols : (i+1)*cols]
			m := math.Inf(-1)
			for _, v := range z {
				m = math.Max(m, beta*v)
			}
			var s, ez, ez2 float64
			for _, v := range z {
				w := math.Exp(beta*v - m)
				s += w
				ez += w * v
				ez2 += w * v * v
			}
			ez, ez2 = ez/s, ez2/s
			f += m + math.Log(s) - beta*z[labels[i]]
			g += ez - z[labels[i]]
			h += math.Max(ez2-ez*ez, 0)
		}
		n := float64(r)
		return f / n, g / n, h / n
	}
	beta := 1.0
	f, g, h := deriv(beta)
	if h == 0 {
		return 0, errors.New("loss: FitTemperature: the logits do not vary within any row; every temperature fits equally")
	}
	for it := 0; it < 200; it++ {
		step := -g / h
		if h <= 0 {
			step = -math.Copysign(beta/2, g)
		}
		// Step halving keeps β > 0 and the NLL decreasing.
		nb := beta + step
		for k := 0; k < 60 && (nb <= 0 || !(fval(deriv, nb) <= f)); k++ {
			step /= 2
			nb = beta + step
		}
		if nb <= 0 {
			return 0, errors.New("loss: FitTemperature: the NLL decreases toward 1/T <= 0; no positive temperature calibrates these logits")
		}
		conv := math.Abs(1/nb-1/beta) <= 1e-10/nb
		beta = nb
		f, g, h = deriv(beta)
		if conv || g == 0 {
			return 1 / beta, nil
		}
		if beta < 1e-12 {
			return 0, errors.New("loss: FitTemperature: the NLL decreases toward 1/T = 0; no positive temperature calibrates these logits")
		}
	}
	return 1 / beta, nil
}

func fval(deriv func(float64) (float64, float64, float64), b float64) float64 {
	f, _, _ := deriv(b)
	return f
}

// checkClassification validates R x C logits and R labels.
func checkClassification(fn string, logits []float64, cols int, labels []int) (int, error) {
	if cols < 2 {
		return 0, fmt.Errorf("loss: %s: %d classes, want at least 2", fn, cols)
	}
	if len(logits)%cols != 0 {
		return 0, fmt.Errorf("loss: %s: %d logits are not rows of %d classes", fn, len(logits), cols)
	}
	r := len(logits) / cols
	if r == 0 {
		return 0, fmt.Errorf("loss: %s: no rows", fn)
	}
	if len(labels) != r {
		return 0, fmt.Errorf("loss: %s: %d labels for %d rows", fn, len(labels), r)
	}
	for i, v := range logits {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("loss: %s: logits[%d] = %v (row %d), want finite logits", fn, i, v, i/cols)
		}
	}
	for i, y := range labels {
		if y < 0 || y >= cols {
			return 0, fmt.Errorf("loss: %s: labels[%d] = %d outside [0, %d)", fn, i, y, cols)
		}
	}
	return r, nil
}

// Bin is one bin of a reliability diagram: the predictions whose
// confidence (top probability) lies in [Lo, Hi) (the last bin includes 1).
type Bin struct {
	Lo, Hi float64
	// Count is the number of predictions in the bin.
	Count int
	// Accuracy is the fraction of them that are right, Confidence their
	// mean confidence (both 0 for an empty bin).
	Accuracy, Confidence float64
}

// Calibration summarizes how well confidences match accuracies.
type Calibration struct {
	// ECE is the expected calibration error Σ_b (n_b/n) |acc_b − conf_b|,
	// MCE the maximum calibration error max_b |acc_b − conf_b| over
	// non-empty bins (Naeini, Cooper and Hauskrecht 2015; Guo et al. 2017).
	ECE, MCE float64
	// Accuracy is the overall fraction of top predictions that are right;
	// NLL the mean negative log-likelihood of the labels (nats).
	Accuracy, NLL float64
	// Bins are the reliability-diagram data.
	Bins []Bin
}

// Calibrate returns the calibration of the predictions softmax(logits/T)
// against labels with bins equal-width confidence bins over [0, 1] (bins
// <= 0: 15, Guo et al.'s choice). logits is R x C row-major. T = 1 gives the
// raw model; FitTemperature gives the T to compare with.
func Calibrate(logits []float64, cols int, labels []int, T float64, bins int) (Calibration, error) {
	r, err := checkClassification("Calibrate", logits, cols, labels)
	if err != nil {
		return Calibration{}, err
	}
	if !(T > 0) || math.IsInf(T, 0) {
		return Calibration{}, fmt.Errorf("loss: Calibrate: temperature %v, want a finite value > 0", T)
	}
	if bins <= 0 {
		bins = 15
	}
	out := Calibration{Bins: make([]Bin, bins)}
	for b := range out.Bins {
		out.Bins[b].Lo, out.Bins[b].Hi = float64(b)/float64(bins), float64(b+1)/float64(bins)
	}
	lp := make([]float64, cols)
	z := make([]float64, cols)
	right := 0
	for i := range r {
		for j := range cols {
			z[j] = logits[i*cols+j] / T
		}
		logSoftmaxRow(lp, z)
		top := 0
		for j := range cols {
			if lp[j] > lp[top] {
				top = j
			}
		}
		conf := math.Exp(lp[top])
		ok := top == labels[i]
		if ok {
			right++
		}
		out.NLL -= lp[labels[i]] / float64(r)
		b := min(int(conf*float64(bins)), bins-1)
		bin := &out.Bins[b]
		bin.Count++
		bin.Confidence += conf
		if ok {
			bin.Accuracy++
		}
	}
	out.Accuracy = float64(right) / float64(r)
	for b := range out.Bins {
		bin := &out.Bins[b]
		if bin.Count == 0 {
			continue
		}
		bin.Accuracy /= float64(bin.Count)
		bin.Confidence /= float64(bin.Count)
		gap := math.Abs(bin.Accuracy - bin.Confidence)
		out.ECE += float64(bin.Count) / float64(r) * gap
		out.MCE = math.Max(out.MCE, gap)
	}
	return out, nil
}

// VectorScaling is a per-class affine recalibration z'_j = W_j z_j + B_j of
// the logits (Guo et al. 2017, §4.2), a generalization of temperature
// scaling (W_j = 1/T, B_j = 0) that can also correct class biases.
type VectorScaling struct {
	W, B []float64
}

// FitVectorScaling fits W and B by minimizing the mean NLL of labels under
// softmax(W ⊙ z + B) with L-BFGS from W = 1, B = 0 (with a tiny L2 penalty
// 1e-8 on B, which pins the softmax's free shift of B).
func FitVectorScaling(logits []float64, cols int, labels []int) (VectorScaling, error) {
	r, err := checkClassification("FitVectorScaling", logits, cols, labels)
	if err != nil {
		return VectorScaling{}, err
	}
	x0 := make([]float64, 2*cols)
	for j := range cols {
		x0[j] = 1
	}
	lp := make([]float64, cols)
	z := make([]float64, cols)
	f := func(x, grad []float64) float64 {
		w, b := x[:cols], x[cols:]
		clear(grad)
		var nll float64
		for i := range r {
			row := logits[i*cols : (i+1)*cols]
			for j := range cols {
				z[j] = w[j]*row[j] + b[j]
			}
			logSoftmaxRow(lp, z)
			y := labels[i]
			nll -= lp[y]
			for j := range cols {
				g := math.Exp(lp[j])
				if j == y {
					g--
				}
				grad[j] += g * row[j] / float64(r)
				grad[cols+j] += g / float64(r)
			}
		}
		var pen float64
		for j := range cols {
			pen += 1e-8 * b[j] * b[j]
			grad[cols+j] += 2e-8 * b[j]
		}
		return nll/float64(r) + pen
	}
	x, _, err := lbfgs.Minimize(f, x0, 1e-10, 10, 2000)
	if err != nil {
		return VectorScaling{}, fmt.Errorf("loss: FitVectorScaling: %w", err)
	}
	return VectorScaling{W: x[:cols], B: x[cols:]}, nil
}

// Apply writes the recalibrated logits of the R x C logits into dst
// (resized; nil allocates) and returns it. It panics if the number of
// columns does not match.
func (v VectorScaling) Apply(dst, logits []float64) []float64 {
	c := len(v.W)
	if c == 0 || len(logits)%c != 0 {
		panic(fmt.Sprintf("loss: VectorScaling.Apply: %d logits for %d classes", len(logits), c))
	}
	if cap(dst) < len(logits) {
		dst = make([]float64, len(logits))
	}
	dst = dst[:len(logits)]
	for i, z := range logits {
		j := i % c
		dst[i] = v.W[j]*z + v.B[j]
	}
	return dst
}
