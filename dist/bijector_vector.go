package dist

import "github.com/kldiv/kldiv/ad"

// StickBreaking maps R^(K-1) onto the K-simplex.
type StickBreaking struct{}

func (StickBreaking) Forward(x ad.Var) ad.Var { panic("dist: StickBreaking: not implemented yet") }
func (StickBreaking) Inverse(y ad.Var) ad.Var { panic("dist: StickBreaking: not implemented yet") }
func (StickBreaking) LogDetJacobian(x, y ad.Var) ad.Var {
	panic("dist: StickBreaking: not implemented yet")
}
func (StickBreaking) ForwardDim(c int) int { return c + 1 }
func (StickBreaking) InverseDim(c int) int { return c - 1 }
func (StickBreaking) String() string       { return "StickBreaking" }

// LowerCholesky maps R^(K(K+1)/2) onto lower-triangular K x K matrices
// with positive diagonal.
type LowerCholesky struct{}

func (LowerCholesky) Forward(x ad.Var) ad.Var { panic("dist: LowerCholesky: not implemented yet") }
func (LowerCholesky) Inverse(y ad.Var) ad.Var { panic("dist: LowerCholesky: not implemented yet") }
func (LowerCholesky) LogDetJacobian(x, y ad.Var) ad.Var {
	panic("dist: LowerCholesky: not implemented yet")
}
func (LowerCholesky) ForwardDim(c int) int { return c }
func (LowerCholesky) InverseDim(c int) int { return c }
func (LowerCholesky) String() string       { return "LowerCholesky" }

// CorrCholesky maps R^(K(K-1)/2) onto Cholesky factors of correlation
// matrices.
type CorrCholesky struct{}

func (CorrCholesky) Forward(x ad.Var) ad.Var { panic("dist: CorrCholesky: not implemented yet") }
func (CorrCholesky) Inverse(y ad.Var) ad.Var { panic("dist: CorrCholesky: not implemented yet") }
func (CorrCholesky) LogDetJacobian(x, y ad.Var) ad.Var {
	panic("dist: CorrCholesky: not implemented yet")
}
func (CorrCholesky) ForwardDim(c int) int { return c }
func (CorrCholesky) InverseDim(c int) int { return c }
func (CorrCholesky) String() string       { return "CorrCholesky" }
