package ad

import (
	"math"

	"github.com/kldiv/kldiv/internal/kernel"
	"github.com/kldiv/kldiv/internal/special"
)

// Neg returns -a.
func Neg(a Var) Var { return unary(opNeg, a, 0) }

// Scale returns k * a for a constant k.
func Scale(a Var, k float64) Var { return unary(opScale, a, k) }

// Shift returns a + k for a constant k.
func Shift(a Var, k float64) Var { return unary(opShift, a, k) }

// Exp returns e^a element-wise.
func Exp(a Var) Var { return unary(opExp, a, 0) }

// Log returns the natural logarithm of a element-wise.
func Log(a Var) Var { return unary(opLog, a, 0) }

// Log1p returns log(1 + a) element-wise, accurate for small a.
func Log1p(a Var) Var { return unary(opLog1p, a, 0) }

// Expm1 returns e^a - 1 element-wise, accurate for small a.
func Expm1(a Var) Var { return unary(opExpm1, a, 0) }

// Softplus returns log(1 + e^a) element-wise, without overflow.
func Softplus(a Var) Var { return unary(opSoftplus, a, 0) }

// Sigmoid returns 1/(1 + e^-a) element-wise.
func Sigmoid(a Var) Var { return unary(opSigmoid, a, 0) }

// LogSigmoid returns log(Sigmoid(a)) = -Softplus(-a) element-wise.
func LogSigmoid(a Var) Var { return unary(opLogSigmoid, a, 0) }

// Tanh returns the hyperbolic tangent of a element-wise.
func Tanh(a Var) Var { return unary(opTanh, a, 0) }

// ReLU returns max(a, 0) element-wise; its derivative at 0 is taken as 0.
func ReLU(a Var) Var { return unary(opReLU, a, 0) }

// Square returns a² element-wise.
func Square(a Var) Var { return unary(opSquare, a, 0) }

// Sqrt returns the square root of a element-wise.
func Sqrt(a Var) Var { return unary(opSqrt, a, 0) }

// Abs returns |a| element-wise; its derivative at 0 is taken as 0.
func Abs(a Var) Var { return unary(opAbs, a, 0) }

// Pow returns a^k element-wise for a constant exponent k.
func Pow(a Var, k float64) Var { return unary(opPow, a, k) }

// Lgamma returns log|Γ(a)| element-wise.
func Lgamma(a Var) Var { return unary(opLgamma, a, 0) }

// Digamma returns ψ(a) = d/da log Γ(a) element-wise.
func Digamma(a Var) Var { return unary(opDigamma, a, 0) }

// Detach returns a constant with the value of a: no gradient flows through
// it (stop-gradient). The value is shared, not copied.
func Detach(a Var) Var {
	a.check()
	if a.t == nil {
		return a
	}
	r, c := a.Shape()
	return a.t.Const(r, c, a.Value())
}

func unary(op opcode, a Var, k float64) Var {
	t := tapeOf(a)
	r, c := a.Shape()
	av := a.Value()
	out, n, ov := result(t, op, r, c, t != nil && needGrad(a))
	if n != nil {
		n.a, n.k = a.id, k
	}
	unaryForward(op, k, ov, av)
	return out
}

func unaryForward(op opcode, k float64, o, a []float64) {
	a = a[:len(o)]
	switch op {
	case opNeg:
		for i, x := range a {
			o[i] = -x
		}
	case opScale:
		for i, x := range a {
			o[i] = k * x
		}
	case opShift:
		for i, x := range a {
			o[i] = x + k
		}
	case opExp:
		for i, x := range a {
			o[i] = math.Exp(x)
		}
	case opLog:
		for i, x := range a {
			o[i] = math.Log(x)
		}
	case opLog1p:
		for i, x := range a {
			o[i] = math.Log1p(x)
		}
	case opExpm1:
		for i, x := range a {
			o[i] = math.Expm1(x)
		}
	case opSoftplus:
		// max(x, 0) + log1p(exp(-|x|)) through the vector exp and log1p.
		kernel.Softplus(o, a)
	case opSigmoid:
		kernel.Sigmoid(o, a)
	case opLogSigmoid:
		kernel.LogSigmoid(o, a)
	case opTanh:
		for i, x := range a {
			o[i] = math.Tanh(x)
		}
	case opReLU:
		for i, x := range a {
			if x > 0 {
				o[i] = x
			} else if x != x {
				o[i] = x
			} else {
				o[i] = 0
			}
		}
	case opSquare:
		for i, x := range a {
			o[i] = x * x
		}
	case opSqrt:
		for i, x := range a {
			o[i] = math.Sqrt(x)
		}
	case opAbs:
		for i, x := range a {
			o[i] = math.Abs(x)
		}
	case opPow:
		for i, x := range a {
			o[i] = math.Pow(x, k)
		}
	case opLgamma:
		for i, x := range a {
			o[i], _ = math.Lgamma(x)
		}
	case opDigamma:
		for i, x := range a {
			o[i] = special.Digamma(x)
		}
	}
}

func (t *Tape) unaryBackward(n *node) {
	an := &t.nodes[n.a]
	da := an.adj
	if da == nil {
		return
	}
	g, o, a := n.adj, n.val, an.val
	da, a, o = da[:len(g)], a[:len(g)], o[:len(g)]
	k := n.k
	switch n.op {
	case opNeg:
		for i, gi := range g {
			da[i] -= gi
		}
	case opScale:
		for i, gi := range g {
			da[i] += k * gi
		}
	case opShift:
		for i, gi := range g {
			da[i] += gi
		}
	case opExp:
		for i, gi := range g {
			da[i] += gi * o[i]
		}
	case opLog:
		for i, gi := range g {
			da[i] += gi / a[i]
		}
	case opLog1p:
		for i, gi := range g {
			da[i] += gi / (1 + a[i])
		}
	case opExpm1:
		for i, gi := range g {
			da[i] += gi * (o[i] + 1)
		}
	case opSoftplus:
		sigmoidAccum(da, g, a, false)
	case opSigmoid:
		for i, gi := range g {
			da[i] += gi * o[i] * (1 - o[i])
		}
	case opLogSigmoid:
		sigmoidAccum(da, g, a, true)
	case opTanh:
		for i, gi := range g {
			da[i] += gi * (1 - o[i]*o[i])
		}
	case opReLU:
		for i, gi := range g {
			if a[i] > 0 {
				da[i] += gi
			}
		}
	case opSquare:
		for i, gi := range g {
			da[i] += 2 * gi * a[i]
		}
	case opSqrt:
		for i, gi := range g {
			da[i] += gi / (2 * o[i])
		}
	case opAbs:
		for i, gi := range g {
			switch {
			case a[i] > 0:
				da[i] += gi
			case a[i] < 0:
				da[i] -= gi
			}
		}
	case opPow:
		for i, gi := range g {
			if k == 0 {
				continue
			}
			da[i] += gi * k * math.Pow(a[i], k-1)
		}
	case opLgamma:
		for i, gi := range g {
			da[i] += gi * special.Digamma(a[i])
		}
	case opDigamma:
		for i, gi := range g {
			da[i] += gi * special.Trigamma(a[i])
		}
	}
}

// sigmoidAccum adds g[i] σ(a[i]) (σ(-a[i]) if neg) to da[i], through the
// vector sigmoid in blocks on the stack.
func sigmoidAccum(da, g, a []float64, neg bool) {
	var buf [512]float64
	for lo := 0; lo < len(g); lo += len(buf) {
		hi := min(lo+len(buf), len(g))
		b := buf[:hi-lo]
		copy(b, a[lo:hi])
		if neg {
			for i := range b {
				b[i] = -b[i]
			}
		}
		kernel.Sigmoid(b, b)
		for i, gi := range g[lo:hi] {
			da[lo+i] += gi * b[i]
		}
	}
}
