package vi

import (
	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// Bind records a parameter that the caller owns (a network layer's weight,
// package nn) on the program's tape, registering it in the parameter store
// under p.Name on first use, so that Fit optimizes it with the program's
// other parameters. The store keeps p itself: the optimizer updates p.Val
// in place and checkpoints restore into it. Bind makes *Program an
// nn.Binder. It fails the run if another parameter already has the name.
func (p *Program) Bind(prm *ad.Param) ad.Var {
	p.site = prm.Name
	if err := p.params.Adopt(prm); err != nil {
		p.fail("vi: param %q: %w", prm.Name, err)
	}
	return p.tape.Param(prm)
}

// Adopt adds prm to the store under prm.Name, unconstrained (real line),
// unless it is there already. It returns an error if a different parameter
// has the name.
func (s *ParamStore) Adopt(prm *ad.Param) error {
	if sp := s.byName[prm.Name]; sp != nil {
		if sp.Raw != prm {
			return errAdopt{prm.Name}
		}
		return nil
	}
	sp := &StoredParam{Name: prm.Name, Rows: prm.Rows, Cols: prm.Cols, Raw: prm, Support: dist.Real{}, Bijector: dist.Identity{}}
	s.list = append(s.list, sp)
	s.byName[prm.Name] = sp
	return nil
}

type errAdopt struct{ name string }

func (e errAdopt) Error() string {
	return "another parameter is already stored as " + e.name
}
