// Package lbfgs is a small limited-memory BFGS minimizer used for MAP
// searches (Laplace approximations, warm starts, posterior modes).
package lbfgs

import (
	"fmt"
	"math"
)

// Minimize minimizes f from x0 by limited-memory BFGS (Nocedal and Wright,
// Numerical Optimization, 2nd ed., Algorithm 7.4, two-loop recursion, with
// the initial Hessian scaling of eq. 7.20) with m correction pairs and a
// backtracking line search for the Armijo condition (their Algorithm 3.1,
// c = 1e-4). A pair is kept only when its curvature sᵀy is positive. It
// stops when max |∇f| <= tol, or when no step strictly decreases f while
// the decrease that the full step predicts, -∇f·d, is below
// 1e4 ε max(1, |f|): as far as rounding in f lets the iteration go
// (compare Stan's tol_rel_obj). It returns an error when f or its gradient
// is not finite at x0, when the line search fails otherwise and after
// maxIter iterations.
func Minimize(f func(x, grad []float64) float64, x0 []float64, tol float64, m, maxIter int) ([]float64, float64, error) {
	n := len(x0)
	x := append([]float64(nil), x0...)
	g := make([]float64, n)
	fx := f(x, g)
	if math.IsInf(fx, 1) || !finite(g) {
		return x, fx, fmt.Errorf("f or its gradient is not finite at the start")
	}
	var ss, ys [][]float64
	var rhos []float64
	dir := make([]float64, n)
	alpha := make([]float64, m)
	xn := make([]float64, n)
	gn := make([]float64, n)
	for iter := 0; iter < maxIter; iter++ {
		if maxAbs(g) <= tol {
			return x, fx, nil
		}
		// Two-loop recursion: dir = -H g.
		for i := range dir {
			dir[i] = -g[i]
		}
		k := len(ss)
		for i := k - 1; i >= 0; i-- {
			alpha[i] = rhos[i] * dot(ss[i], dir)
			axpy(-alpha[i], ys[i], dir)
		}
		if k > 0 {
			gamma := dot(ss[k-1], ys[k-1]) / dot(ys[k-1], ys[k-1])
			for i := range dir {
				dir[i] *= gamma
			}
		} else if s := maxAbs(g); s > 1 {
			// First step: move at most one unit in any coordinate.
			for i := range dir {
				dir[i] /= s
			}
		}
		for i := 0; i < k; i++ {
			b := rhos[i] * dot(ys[i], dir)
			axpy(alpha[i]-b, ss[i], dir)
		}
		slope := dot(g, dir)
		if !(slope < 0) {
			// Not a descent direction: restart from steepest descent.
			ss, ys, rhos = nil, nil, nil
			for i := range dir {
				dir[i] = -g[i] / math.Max(1, maxAbs(g))
			}
			slope = dot(g, dir)
		}
		step, fn := 1.0, 0.0
		for tries := 0; ; tries++ {
			for i := range xn {
				xn[i] = x[i] + step*dir[i]
			}
			fn = f(xn, gn)
			if fn < fx && fn <= fx+1e-4*step*slope && finite(gn) {
				break
			}
			if tries == 60 {
				if -slope <= 1e4*epsilon*math.Max(1, math.Abs(fx)) {
					// The step predicts a decrease that f cannot
					// resolve: converged to the precision of f.
					return x, fx, nil
				}
				return x, fx, fmt.Errorf("line search failed at iteration %d (max |grad| %g)", iter, maxAbs(g))
			}
			step *= 0.5
		}
		s := make([]float64, n)
		y := make([]float64, n)
		for i := range s {
			s[i] = xn[i] - x[i]
			y[i] = gn[i] - g[i]
		}
		if sy := dot(s, y); sy > 1e-12*math.Sqrt(dot(s, s)*dot(y, y)) {
			if len(ss) == m {
				ss, ys, rhos = ss[1:], ys[1:], rhos[1:]
			}
			ss, ys, rhos = append(ss, s), append(ys, y), append(rhos, 1/sy)
		}
		copy(x, xn)
		copy(g, gn)
		fx = fn
	}
	return x, fx, fmt.Errorf("no convergence in %d iterations (max |grad| %g)", maxIter, maxAbs(g))
}

const epsilon = 0x1p-52

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// axpy sets y += a x.
func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}

func maxAbs(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

func finite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
