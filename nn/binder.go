package nn

import (
	"strconv"

	"github.com/kldiv/kldiv/ad"
)

// Binder records a network's parameters for one computation. *vi.Program
// is a Binder (it registers the parameter in the program's store on first
// use, so that vi.Fit optimizes it); On(t) records on a plain tape.
type Binder interface {
	Bind(p *ad.Param) ad.Var
}

// TapeBinder records parameters directly on a tape (Tape.Param).
type TapeBinder struct{ T *ad.Tape }

// Bind implements Binder.
func (b TapeBinder) Bind(p *ad.Param) ad.Var { return b.T.Param(p) }

// On returns a Binder that records on t.
func On(t *ad.Tape) TapeBinder { return TapeBinder{T: t} }

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
