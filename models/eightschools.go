package models

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// EightSchools is the hierarchical model of Rubin (1981) for the effects
// of coaching in eight schools (Gelman et al., BDA3 §5.5):
//
//	mu ~ N(0, 5),  tau ~ HalfCauchy(5),
//	theta_j ~ N(mu, tau)           (centered), or
//	theta_j = mu + tau*eta_j, eta_j ~ N(0, 1)   (non-centered),
//	y_j ~ N(theta_j, sigma_j).
//
// The centered form has the funnel geometry that makes mean-field VI and
// HMC struggle; the non-centered form is the same posterior on (mu, tau,
// theta) without it. Both record theta (a Deterministic site in the
// non-centered form) for summaries.
type EightSchools struct {
	Y, Sigma []float64
	Centered bool
}

// EightSchoolsData returns the classic data: estimated effects and their
// standard errors.
func EightSchoolsData(centered bool) EightSchools {
	return EightSchools{
		Y:        []float64{28, 8, -3, 7, -1, 1, 18, 12},
		Sigma:    []float64{15, 10, 16, 11, 9, 11, 10, 18},
		Centered: centered,
	}
}

// Validate checks that Y and Sigma have the same length and Sigma > 0.
func (m EightSchools) Validate() error {
	if len(m.Y) == 0 || len(m.Y) != len(m.Sigma) {
		return fmt.Errorf("models: EightSchools: %d effects and %d standard errors", len(m.Y), len(m.Sigma))
	}
	for i, s := range m.Sigma {
		if !(s > 0) {
			return fmt.Errorf("models: EightSchools: sigma[%d] = %v, want > 0", i, s)
		}
	}
	return finiteData("y", m.Y)
}

// Model returns the program. The latents are global: with S particles,
// mu and tau are S x 1 and theta (or eta) S x J. The non-centered form is
// the centered program under vi.Reparam with vi.LocScale on theta.
func (m EightSchools) Model() vi.Model {
	j := len(m.Y)
	muPrior := dist.Must(dist.NewNormal(0, 5))
	tauPrior := dist.Must(dist.NewHalfCauchy(5))
	sigma := ad.Row(m.Sigma)
	y := ad.Row(m.Y)
	centered := func(p *vi.Program) {
		mu := p.Sample("mu", muPrior)
		tau := p.Sample("tau", tauPrior)
		prior := dist.Expanded{Base: dist.Normal{Loc: mu, Scale: tau}, Batch: mu.Rows(), Event: j}
		theta := p.Sample("theta", prior)
		p.Observe("y", dist.Normal{Loc: theta, Scale: sigma}, y)
	}
	if m.Centered {
		return centered
	}
	// Non-centering is a configuration of the same program: theta becomes
	// the deterministic mu + tau*eta with eta ~ N(0, 1).
	return vi.Reparam(centered, map[string]vi.Reparameterizer{"theta": vi.LocScale{Aux: "eta"}})
}
