package ad

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/internal/linalg"
	"github.com/kldiv/kldiv/internal/par"
)

// Batched-row linear algebra. Each row of a value holds one d x d matrix,
// row-major (d*d columns), so a batch of B matrices is a B x d*d value and
// the batch dimension is the row dimension, as everywhere in kldiv. A
// lower-triangular matrix is stored in full: its strictly upper part is
// zero on output and ignored (given no gradient) on input. Every operation
// is one node with a hand-written backward pass; rows are processed in
// parallel (internal/par), and each result is computed by one goroutine in
// a fixed order, so values and gradients do not depend on GOMAXPROCS.

// parRowsLinalg is the number of rows from which row loops go parallel.
const parRowsLinalg = 8

// linalgOut returns the output of a linear-algebra node: a fresh free
// constant when every input is free, else a custom node on the inputs' tape
// (its VJP is set afterwards with setVJP). val is the value buffer to fill.
func linalgOut(rows, cols int, inputs ...Var) (out Var, val []float64, t *Tape) {
	t = tapeOf(inputs...)
	if t == nil {
		d := make([]float64, rows*cols)
		return Var{c: &constant{Matrix: Matrix{Rows: rows, Cols: cols, Data: d}}}, d, nil
	}
	lifted := liftAll(t, inputs)
	out, n := t.push(opCustom, rows, cols, needGrad(lifted...))
	t.recordInputs(out.id, lifted)
	return out, n.val, t
}

// setVJP installs the backward pass of a node made by linalgOut.
func setVJP(out Var, vjp VJP) {
	if out.t != nil {
		out.t.nodes[out.id].fn = vjp
	}
}

func checkSquareRows(op string, a Var, d int) int {
	r, c := a.Shape()
	if d < 1 || c != d*d {
		panic(fmt.Sprintf("ad: %s: value is %dx%d, want d*d = %d columns (d = %d)", op, r, c, d*d, d))
	}
	return r
}

// CholeskyRows returns the lower Cholesky factors of the symmetric
// positive-definite d x d matrices held in the rows of a (R x d*d,
// row-major): row i of the result is L with L Lᵀ = A_i, strictly upper part
// zero.
//
// The factorization reads the symmetric part ½(A + Aᵀ) of each row (exact
// for symmetric input), so its gradient is the symmetric matrix of
// Murray (2016), "Differentiation of the Cholesky decomposition",
// arXiv:1602.07527, eq. (10), symmetrized: Ā = L⁻ᵀ sym(Φ(Lᵀ L̄)) L⁻¹ with Φ
// the lower triangle with halved diagonal.
//
// A row that is not numerically positive definite (a pivot ≤ 0, NaN or
// Inf) gives a row of NaN, so callers can detect it (math.IsNaN of the
// row's first element) and turn it into an error; its gradient is NaN.
// It panics if a does not have d*d columns.
func CholeskyRows(a Var, d int) Var {
	r := checkSquareRows("CholeskyRows", a, d)
	av := a.Value()
	out, o, t := linalgOut(r, d*d, a)
	dd := d * d
	choleskyGroups(o, av, r, d, t == nil)
	setVJP(out, func(g []float64, in Adjoints) {
		da := in.Of(0)
		if da == nil {
			return
		}
		lv := out.Value()
		par.For(r, parRowsLinalg, func(lo, hi int) {
			work := make([]float64, 2*dd)
			for i := lo; i < hi; i++ {
				linalg.CholeskyVJP(da[i*dd:(i+1)*dd], lv[i*dd:(i+1)*dd], g[i*dd:(i+1)*dd], d, work)
			}
		})
	})
	return out
}

// choleskyGroups factors the r d x d matrices of src into dst (NaN rows
// for matrices that are not positive definite) by linalg.CholeskyGroup,
// in groups of linalg.GroupLanes rows, parallel over groups (by
// linalg.CholeskySym, parallel over rows, for fewer than
// linalg.GroupMinRows matrices, above linalg.GroupMaxOrder and where the
// grouped kernels are not in assembly). Each matrix
// gets the same bits whatever its group, so the result does not depend
// on GOMAXPROCS. zeroed says that dst is zero on entry.
func choleskyGroups(dst, src []float64, r, d int, zeroed bool) {
	const w = linalg.GroupLanes
	dd := d * d
	if d > linalg.GroupMaxOrder || r < linalg.GroupMinRows || !linalg.GroupFast() {
		par.For(r, parRowsLinalg, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				li := dst[i*dd : (i+1)*dd]
				if ok, _, _ := linalg.CholeskySym(li, src[i*dd:(i+1)*dd], d); !ok {
					fillNaN(li)
				}
			}
		})
		return
	}
	ng := (r + w - 1) / w
	minPar := max(1, (parRowsLinalg+w-1)/w)
	par.For(ng, minPar, func(lo, hi int) {
		work := cholWork.Get()
		if n := linalg.CholeskyGroupWork(d); cap(*work) < n {
			*work = make([]float64, n)
		}
		var ok [w]bool
		for g := lo; g < hi; g++ {
			i0 := g * w
			n := min(w, r-i0)
			linalg.CholeskyGroup(dst[i0*dd:(i0+n)*dd], src[i0*dd:(i0+n)*dd], n, d, ok[:], nil, *work, zeroed)
			for m := 0; m < n; m++ {
				if !ok[m] {
					fillNaN(dst[(i0+m)*dd : (i0+m+1)*dd])
				}
			}
		}
		cholWork.Put(work)
	})
}

// cholWork holds choleskyGroups' interleaved buffers across calls.
var cholWork par.Pool[[]float64]

func fillNaN(x []float64) {
	for k := range x {
		x[k] = math.NaN()
	}
}

// InvCholeskyRows returns, for the symmetric positive-definite d x d
// matrices P held in the rows of p, the lower-triangular L with
// L Lᵀ = P⁻¹: the scale_tril of a Gaussian with precision matrix P.
//
// It uses the reversal trick of torch.distributions: with J the reversal
// permutation, chol(J P J) = L_f gives P = U Uᵀ for the upper-triangular
// U = J L_f J, so P⁻¹ = U⁻ᵀ U⁻¹ and L = U⁻ᵀ = J L_f⁻ᵀ J, lower triangular.
// On a row-major d x d matrix, X ↦ J X J reverses the d*d values. No
// covariance matrix is formed, so L keeps the accuracy of a Cholesky
// factorization of P. Like CholeskyRows it reads ½(P + Pᵀ), returns a NaN
// row for a matrix that is not positive definite, and panics if p does not
// have d*d columns. Backward: with M = L_f⁻¹, M̄ = J L̄ᵀ J, L̄_f = -tril(Mᵀ
// M̄ Mᵀ), then the Cholesky rule of CholeskyRows, reversed.
func InvCholeskyRows(p Var, d int) Var {
	r := checkSquareRows("InvCholeskyRows", p, d)
	pv := p.Value()
	out, o, _ := linalgOut(r, d*d, p)
	dd := d * d
	// lf holds the factors L_f of the reversed matrices for the backward
	// pass (arena memory on a tape).
	var lf []float64
	if out.t != nil && out.t.nodes[out.id].adj != nil {
		lf = out.t.Buffer(r * dd)
	}
	par.For(r, parRowsLinalg, func(lo, hi int) {
		work := make([]float64, 2*dd)
		rev, f := work[:dd], work[dd:]
		for i := lo; i < hi; i++ {
			oi := o[i*dd : (i+1)*dd]
			reverseInto(rev, pv[i*dd:(i+1)*dd])
			if ok, _, _ := linalg.CholeskySym(f, rev, d); !ok {
				fillNaN(oi)
				if lf != nil {
					fillNaN(lf[i*dd : (i+1)*dd])
				}
				continue
			}
			if lf != nil {
				copy(lf[i*dd:(i+1)*dd], f)
			}
			linalg.InvLower(rev, f, d) // M = L_f⁻¹
			// L_ij = M_{d-1-j, d-1-i}.
			for a := 0; a < d; a++ {
				for b := 0; b < d; b++ {
					oi[a*d+b] = rev[(d-1-b)*d+(d-1-a)]
				}
			}
		}
	})
	setVJP(out, func(g []float64, in Adjoints) {
		dp := in.Of(0)
		if dp == nil {
			return
		}
		par.For(r, parRowsLinalg, func(lo, hi int) {
			work := make([]float64, 7*dd)
			m, mbar, a1, lbar, abar, cw := work[:dd], work[dd:2*dd], work[2*dd:3*dd], work[3*dd:4*dd], work[4*dd:5*dd], work[5*dd:]
			for i := lo; i < hi; i++ {
				f := lf[i*dd : (i+1)*dd]
				gi := g[i*dd : (i+1)*dd]
				linalg.InvLower(m, f, d)
				// M̄_ab = L̄_{d-1-b, d-1-a}, lower part of L̄ only.
				clear(mbar)
				for a := 0; a < d; a++ {
					for b := 0; b <= a; b++ {
						mbar[a*d+b] = gi[(d-1-b)*d+(d-1-a)]
					}
				}
				// A1 = Mᵀ M̄: A1_ij = Σ_k M_ki M̄_kj.
				clear(a1)
				for k := 0; k < d; k++ {
					mk := m[k*d : k*d+k+1]
					mb := mbar[k*d : k*d+k+1]
					for ii, mki := range mk {
						if mki != 0 {
							linalg.Axpy(mki, mb, a1[ii*d:ii*d+k+1])
						}
					}
				}
				// L̄_f = -tril(A1 Mᵀ): (A1 Mᵀ)_ij = Σ_{k<=j} A1_ik M_jk.
				clear(lbar)
				for ii := 0; ii < d; ii++ {
					for j := 0; j <= ii; j++ {
						lbar[ii*d+j] = -linalg.Dot(m[j*d:j*d+j+1], a1[ii*d:ii*d+j+1])
					}
				}
				clear(abar)
				linalg.CholeskyVJP(abar, f, lbar, d, cw)
				di := dp[i*dd : (i+1)*dd]
				for k := range di {
					di[k] += abar[dd-1-k]
				}
			}
		})
	})
	return out
}

func reverseInto(dst, src []float64) {
	n := len(src)
	for k, v := range src {
		dst[n-1-k] = v
	}
}

// TriSolveRows solves triangular systems row by row. l holds lower
// triangular d x d matrices in its rows (Bl x d*d, strictly upper part
// ignored) and b holds one right-hand side per row (R x d); R must be a
// multiple of Bl, and row i of b is solved against the matrix of row
// i mod Bl of l (Bl = 1: one matrix for every row; the tiling of kldiv's
// samples). The result is R x d: x_i = L⁻¹ b_i, or L⁻ᵀ b_i when trans is
// set.
//
// Backward (x = L⁻¹ b): b̄ = L⁻ᵀ x̄ and L̄ = -tril(b̄ xᵀ); for x = L⁻ᵀ b:
// b̄ = L⁻¹ x̄ and L̄ = -tril(x b̄ᵀ). A zero diagonal element gives Inf or NaN.
// It panics if the shapes do not fit.
func TriSolveRows(l, b Var, d int, trans bool) Var {
	bl := checkSquareRows("TriSolveRows", l, d)
	r, c := b.Shape()
	if c != d || bl == 0 || r%bl != 0 {
		panic(fmt.Sprintf("ad: TriSolveRows: right-hand sides are %dx%d, matrices are %dx%d (d = %d): want %d columns and a multiple of %d rows", r, c, bl, d*d, d, d, bl))
	}
	lv, bv := l.Value(), b.Value()
	out, o, _ := linalgOut(r, d, l, b)
	dd := d * d
	par.For(r, 4*parRowsLinalg, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			li := lv[(i%bl)*dd : (i%bl+1)*dd]
			if trans {
				linalg.SolveLowerT(o[i*d:(i+1)*d], li, bv[i*d:(i+1)*d], d)
			} else {
				linalg.SolveLower(o[i*d:(i+1)*d], li, bv[i*d:(i+1)*d], d)
			}
		}
	})
	setVJP(out, func(g []float64, in Adjoints) {
		dl, db := in.Of(0), in.Of(1)
		if dl == nil && db == nil {
			return
		}
		xv := out.Value()
		// Batch member m owns rows m, m+bl, ...: one goroutine per member,
		// rows in order, so sums into shared rows of L̄ are deterministic.
		par.For(bl, parRowsLinalg, func(lo, hi int) {
			bbar := make([]float64, d)
			for m := lo; m < hi; m++ {
				lm := lv[m*dd : (m+1)*dd]
				for i := m; i < r; i += bl {
					gi, xi := g[i*d:(i+1)*d], xv[i*d:(i+1)*d]
					if trans {
						linalg.SolveLower(bbar, lm, gi, d)
					} else {
						linalg.SolveLowerT(bbar, lm, gi, d)
					}
					if db != nil {
						linalg.Axpy(1, bbar, db[i*d:(i+1)*d])
					}
					if dl != nil {
						dm := dl[m*dd : (m+1)*dd]
						for p := 0; p < d; p++ {
							if trans {
								linalg.Axpy(-xi[p], bbar[:p+1], dm[p*d:p*d+p+1])
							} else {
								linalg.Axpy(-bbar[p], xi[:p+1], dm[p*d:p*d+p+1])
							}
						}
					}
				}
			}
		})
	})
	return out
}

// TriLogDetRows returns Σ_i log l_ii for the triangular d x d matrices in
// the rows of l (R x d*d), as R x 1: the log-determinant of each triangular
// matrix with a positive diagonal, and half the log-determinant of A for a
// Cholesky factor of A. A non-positive diagonal element gives NaN or -Inf.
// Backward: l̄_ii = ḡ / l_ii. It panics if l does not have d*d columns.
func TriLogDetRows(l Var, d int) Var {
	r := checkSquareRows("TriLogDetRows", l, d)
	lv := l.Value()
	out, o, _ := linalgOut(r, 1, l)
	dd := d * d
	for i := 0; i < r; i++ {
		var s float64
		for j := 0; j < d; j++ {
			s += math.Log(lv[i*dd+j*d+j])
		}
		o[i] = s
	}
	setVJP(out, func(g []float64, in Adjoints) {
		dl := in.Of(0)
		if dl == nil {
			return
		}
		for i := 0; i < r; i++ {
			for j := 0; j < d; j++ {
				k := i*dd + j*d + j
				dl[k] += g[i] / lv[k]
			}
		}
	})
	return out
}
