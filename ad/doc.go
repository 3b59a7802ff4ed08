// Package ad is kldiv's reverse-mode automatic differentiation engine on
// dense row-major float64 matrices.
//
// A Tape records operations in order; that order is a topological order,
// so Backward is one reverse sweep over a slice. One node stands for one
// array operation, never for one scalar. Node values and adjoints are carved
// from an arena that Tape.Reset keeps, so a training step that records the
// same graph again allocates nothing in the tape once the arena has grown.
//
// Conventions:
//   - A value is a Rows x Cols matrix; a scalar is 1x1. Throughout kldiv a
//     row is one event (one sample, one data point) and columns are its
//     components.
//   - Binary element-wise operations broadcast a dimension of size 1: a
//     scalar, a row (1 x C) or a column (R x 1) combine with an R x C value.
//   - A Var is a small handle. Vars made by Const, Scalar, Row, Col and Full
//     are free constants that belong to no tape: operations on free
//     constants alone are evaluated eagerly (no-gradient mode), and a free
//     constant combined with a recorded value joins that value's tape.
//   - A Param owns persistent value and gradient buffers that optimizers
//     update in place; Backward adds into Param.Grad.
//   - Custom records a node with a hand-written vector-Jacobian product;
//     NewFused records a node whose value and analytic partial derivatives
//     are computed in one loop, the way kldiv's distributions implement
//     log-densities and closed-form KL divergences.
//   - Matrix products go through kldiv's packed kernel (internal/kernel:
//     AVX-512/AVX2 assembly, pure Go under the purego tag), with transpose
//     flags in the backward pass. The build tag openblas switches them to OpenBLAS
//     through gonum.org/v1/netlib (apt-get install libopenblas-dev; build
//     with CGO_LDFLAGS="-lopenblas" go build -tags openblas).
//
// Programmer errors (shapes that do not fit, Vars from two tapes, the zero
// Var) panic with a message that starts with "ad: ". CheckGrad compares
// reverse-mode gradients with central finite differences and is used by the
// tests of every package.
package ad
