package vi

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// ParamStore holds a program's named parameters in unconstrained space, in
// the order they were created (the order optimizers and checkpoints use).
type ParamStore struct {
	list   []*StoredParam
	byName map[string]*StoredParam
}

// StoredParam is one named parameter: its unconstrained ad.Param and the
// support whose bijector maps it to the value programs see.
type StoredParam struct {
	Name       string
	Rows, Cols int // constrained shape
	Raw        *ad.Param
	Support    dist.Support
	Bijector   dist.Bijector
}

// NewParamStore returns an empty store.
func NewParamStore() *ParamStore {
	return &ParamStore{byName: map[string]*StoredParam{}}
}

// Params returns the unconstrained parameters in creation order.
func (s *ParamStore) Params() []*ad.Param {
	out := make([]*ad.Param, len(s.list))
	for i, sp := range s.list {
		out[i] = sp.Raw
	}
	return out
}

// List returns the stored parameters in creation order.
func (s *ParamStore) List() []*StoredParam { return s.list }

// Get returns the parameter name, or nil.
func (s *ParamStore) Get(name string) *StoredParam { return s.byName[name] }

// Value returns the constrained value of parameter name as a free
// constant, or false if there is no such parameter.
func (s *ParamStore) Value(name string) (ad.Matrix, bool) {
	sp := s.byName[name]
	if sp == nil {
		return ad.Matrix{}, false
	}
	raw := ad.Const(sp.Raw.Rows, sp.Raw.Cols, sp.Raw.Val)
	return sp.Bijector.Forward(raw).Matrix(), true
}

// Param returns the parameter name recorded on t in constrained space,
// creating it from init (constrained, rows x cols, row-major; zeros when
// nil and the support allows, else an error) on first use. Later calls
// must give the same shape.
func (s *ParamStore) Param(t *ad.Tape, name string, rows, cols int, init []float64, support dist.Support) (ad.Var, error) {
	if support == nil {
		support = dist.Real{}
	}
	sp := s.byName[name]
	if sp == nil {
		var err error
		sp, err = s.create(name, rows, cols, init, support)
		if err != nil {
			return ad.Var{}, err
		}
	} else if sp.Rows != rows || sp.Cols != cols {
		return ad.Var{}, fmt.Errorf("shape %dx%d, created as %dx%d", rows, cols, sp.Rows, sp.Cols)
	}
	raw := t.Param(sp.Raw)
	if _, ok := sp.Bijector.(dist.Identity); ok {
		return raw, nil
	}
	return sp.Bijector.Forward(raw), nil
}

// Add creates an unconstrained parameter directly (autoguides use it). It
// returns the existing one if name exists with the same shape.
func (s *ParamStore) Add(name string, rows, cols int, init []float64) (*ad.Param, error) {
	if sp := s.byName[name]; sp != nil {
		if sp.Raw.Rows != rows || sp.Raw.Cols != cols {
			return nil, fmt.Errorf("vi: param %q: shape %dx%d, created as %dx%d", name, rows, cols, sp.Raw.Rows, sp.Raw.Cols)
		}
		return sp.Raw, nil
	}
	p := ad.NewParam(name, rows, cols, init)
	sp := &StoredParam{Name: name, Rows: rows, Cols: cols, Raw: p, Support: dist.Real{}, Bijector: dist.Identity{}}
	s.list = append(s.list, sp)
	s.byName[name] = sp
	return p, nil
}

func (s *ParamStore) create(name string, rows, cols int, init []float64, support dist.Support) (*StoredParam, error) {
	if rows <= 0 || cols <= 0 {
		return nil, fmt.Errorf("shape %dx%d", rows, cols)
	}
	bij := support.Bijector()
	if bij == nil {
		return nil, fmt.Errorf("support %s has no bijector (discrete)", support)
	}
	if init == nil {
		init = make([]float64, rows*cols)
	}
	if len(init) != rows*cols {
		return nil, fmt.Errorf("%d initial values for %dx%d", len(init), rows, cols)
	}
	y := ad.Const(rows, cols, init)
	if err := support.Check(y); err != nil {
		return nil, fmt.Errorf("initial value: %w", err)
	}
	x := bij.Inverse(y)
	for i, v := range x.Value() {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("initial value %d maps to %v in unconstrained space", i, v)
		}
	}
	p := ad.NewParam(name, x.Rows(), x.Cols(), x.Value())
	sp := &StoredParam{Name: name, Rows: rows, Cols: cols, Raw: p, Support: support, Bijector: bij}
	s.list = append(s.list, sp)
	s.byName[name] = sp
	return sp, nil
}

// snapshot copies every parameter's unconstrained value.
func (s *ParamStore) snapshot() [][]float64 {
	out := make([][]float64, len(s.list))
	for i, sp := range s.list {
		out[i] = append([]float64(nil), sp.Raw.Val...)
	}
	return out
}

// restore writes a snapshot back (same parameters, same order).
func (s *ParamStore) restore(snap [][]float64) {
	for i, sp := range s.list {
		if i < len(snap) {
			copy(sp.Raw.Val, snap[i])
		}
	}
}
