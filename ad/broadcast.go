package ad

import "fmt"

// bcast describes how two operands broadcast to a common rows x cols shape.
// An operand with one row has row stride 0, one with one column has column
// stride 0, so element (i, j) of the result reads a[i*ars+j*acs].
type bcast struct {
	rows, cols int
	ars, acs   int
	brs, bcs   int
	same       bool // both operands have the result's shape
}

// broadcastDim returns the broadcast size of one dimension, or -1.
func broadcastDim(a, b int) int {
	switch {
	case a == b:
		return a
	case a == 1:
		return b
	case b == 1:
		return a
	}
	return -1
}

func strides(r, c int) (rs, cs int) {
	if r != 1 {
		rs = c
	}
	if c != 1 {
		cs = 1
	}
	return rs, cs
}

// newBcast returns the broadcast of shapes (ra, ca) and (rb, cb), panicking
// with a message that names op when they do not broadcast. Shapes broadcast
// when, in each dimension, they are equal or one of them is 1: a scalar
// (1x1), a row (1xC) and a column (Rx1) broadcast over R x C.
func newBcast(op string, ra, ca, rb, cb int) bcast {
	r, c := broadcastDim(ra, rb), broadcastDim(ca, cb)
	if r < 0 || c < 0 {
		panic(fmt.Sprintf("ad: %s: shapes %dx%d and %dx%d do not broadcast", op, ra, ca, rb, cb))
	}
	s := bcast{rows: r, cols: c}
	s.ars, s.acs = strides(ra, ca)
	s.brs, s.bcs = strides(rb, cb)
	s.same = ra == r && ca == c && rb == r && cb == c
	return s
}

// BroadcastShape returns the shape to which two shapes broadcast, and false
// when they do not.
func BroadcastShape(ra, ca, rb, cb int) (rows, cols int, ok bool) {
	r, c := broadcastDim(ra, rb), broadcastDim(ca, cb)
	return r, c, r >= 0 && c >= 0
}

// reduceInto adds src (rows x cols) into dst, summing over the dimensions in
// which dst (dr x dc) is broadcast.
func reduceInto(dst []float64, dr, dc int, src []float64, rows, cols int) {
	if dr == rows && dc == cols {
		for i, v := range src {
			dst[i] += v
		}
		return
	}
	rs, cs := strides(dr, dc)
	for i := 0; i < rows; i++ {
		o := i * rs
		row := src[i*cols : (i+1)*cols]
		if cs == 0 {
			var s float64
			for _, v := range row {
				s += v
			}
			dst[o] += s
			continue
		}
		d := dst[o : o+cols]
		for j, v := range row {
			d[j] += v
		}
	}
}
