package loss

import (
	"fmt"
	"math"
)

// KL(p ‖ q) is +Inf as soon as q gives probability 0 to a category that p
// gives mass to (q misses part of p's support). Smoothing q makes it
// finite, at the price of changing the divergence; the helpers here say by
// how much.

// Smoothing names a way to move probability mass onto every category.
type Smoothing uint8

const (
	// Additive is additive (Laplace/Lidstone) smoothing: q'_j = (q_j + ε)
	// / (1 + Cε).
	Additive Smoothing = iota
	// Label is label smoothing: q'_j = (1 − ε) q_j + ε/C, the mixture of q
	// with the uniform distribution of weight ε.
	Label
)

// String returns "additive" or "label".
func (s Smoothing) String() string {
	switch s {
	case Additive:
		return "additive"
	case Label:
		return "label"
	}
	return fmt.Sprintf("Smoothing(%d)", int(s))
}

// Smooth writes the smoothed probability row of p into dst (allocated when
// nil) and returns it. It returns an error naming eps when eps is not in
// (0, ∞) for Additive or (0, 1] for Label, and one naming the element when
// p has a negative or NaN entry.
func Smooth(dst, p []float64, eps float64, how Smoothing) ([]float64, error) {
	if !(eps > 0) || math.IsInf(eps, 1) || how == Label && eps > 1 {
		return nil, fmt.Errorf("loss: Smooth: eps = %g: want eps in (0, %s) for %v smoothing", eps, map[Smoothing]string{Additive: "∞", Label: "1]"}[how], how)
	}
	for j, v := range p {
		if !(v >= 0) {
			return nil, fmt.Errorf("loss: Smooth: p[%d] = %g: want a probability", j, v)
		}
	}
	if dst == nil {
		dst = make([]float64, len(p))
	}
	c := float64(len(p))
	for j, v := range p {
		switch how {
		case Additive:
			if eps > 1 {
				// Divided through by eps, so that a huge eps does not
				// overflow 1 + c·eps (the row tends to uniform).
				dst[j] = (v/eps + 1) / (1/eps + c)
			} else {
				dst[j] = (v + eps) / (1 + c*eps)
			}
		case Label:
			dst[j] = (1-eps)*v + eps/c
		default:
			panic(fmt.Sprintf("loss: unknown %v", how))
		}
	}
	return dst, nil
}

// SmoothedKL is the result of SmoothKL.
type SmoothedKL struct {
	// KL is KL(p ‖ q') with q' the smoothed q: finite.
	KL float64
	// Raw is KL(p ‖ q) before smoothing, +Inf on a support mismatch.
	Raw float64
	// Change is KL − Raw: −Inf when Raw is infinite.
	Change float64
	// Moved is the total variation distance ½ Σ |q'_j − q_j| between q
	// and q': how much probability the smoothing moved.
	Moved float64
	// Uncovered is the mass p puts where q is 0, the mass that made Raw
	// infinite.
	Uncovered float64
}

// SmoothKL returns KL(p ‖ q') for q' = Smooth(q, eps, how), with the
// unsmoothed divergence and how much the smoothing changed q and the KL.
// p and q are probability rows of equal length. Errors as Smooth's.
func SmoothKL(p, q []float64, eps float64, how Smoothing) (SmoothedKL, error) {
	if len(p) != len(q) {
		return SmoothedKL{}, fmt.Errorf("loss: SmoothKL: p has %d categories and q %d", len(p), len(q))
	}
	if err := CheckProbs("p", p, len(p)); err != nil {
		return SmoothedKL{}, err
	}
	if err := CheckProbs("q", q, len(q)); err != nil {
		return SmoothedKL{}, err
	}
	qs, err := Smooth(nil, q, eps, how)
	if err != nil {
		return SmoothedKL{}, err
	}
	res := SmoothedKL{KL: KLProbs(p, qs), Raw: KLProbs(p, q)}
	res.Change = res.KL - res.Raw
	for j := range q {
		res.Moved += 0.5 * math.Abs(qs[j]-q[j])
		if q[j] == 0 {
			res.Uncovered += p[j]
		}
	}
	return res, nil
}
