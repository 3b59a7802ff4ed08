package dist

import (
	"errors"
	"fmt"

	"github.com/kldiv/kldiv/ad"
)

// ErrNoEntropy is wrapped by the error Entropy and CrossEntropy return for
// a distribution without a closed-form entropy.
var ErrNoEntropy = errors.New("no closed-form entropy")

// Entropy returns the entropy (nats) of each batch member of d, B x 1,
// differentiable with respect to d's parameters. d is validated first. It
// returns an error wrapping ErrNoEntropy when d has no closed-form entropy
// (looking through Independent and Expanded, see Provides).
func Entropy(d Distribution) (ad.Var, error) {
	d = deref(d)
	if err := d.Validate(); err != nil {
		return ad.Var{}, err
	}
	e, ok := d.(Entropic)
	if !ok || !Provides[Entropic](d) {
		return ad.Var{}, fmt.Errorf("dist: Entropy(%T): %w (a Monte Carlo estimate -E[log p(x)] is available in package estimators)", d, ErrNoEntropy)
	}
	return e.Entropy(), nil
}

// CrossEntropy returns H(p, q) = -E_p[log q(x)] = H(p) + KL(p || q) for
// each batch row, B x 1, differentiable with respect to both sides'
// parameters. It returns an error wrapping ErrNoEntropy when p has no
// closed-form entropy and one wrapping ErrNoKL when the pair has no
// registered divergence. The entropy of a Delta is 0 (counting measure),
// so CrossEntropy(Delta(v), q) = KL = Σ LogDensity - log q(v).
func CrossEntropy(p, q Distribution) (ad.Var, error) {
	h, err := Entropy(p)
	if err != nil {
		return ad.Var{}, err
	}
	kl, err := KL(p, q)
	if err != nil {
		return ad.Var{}, err
	}
	return ad.Add(h, kl), nil
}

// SymmetricKL returns KL(p || q) + KL(q || p) (Jeffreys' divergence) for
// each batch row, B x 1, or the first error of the two KL calls.
func SymmetricKL(p, q Distribution) (ad.Var, error) {
	a, err := KL(p, q)
	if err != nil {
		return ad.Var{}, err
	}
	b, err := KL(q, p)
	if err != nil {
		return ad.Var{}, err
	}
	return ad.Add(a, b), nil
}
