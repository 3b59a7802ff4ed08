package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// benchW2: KL between 256 pairs of 32-dimensional full-covariance normals,
// building both batched distributions from their covariance matrices
// (Cholesky factorization and validation included) and computing the 256
// values in one call.
func benchW2(w io.Writer, dir string) error {
	_, rows, err := readCSVGz(filepath.Join(dir, "mvn_pairs.csv.gz"))
	if err != nil {
		return err
	}
	const d = 32
	b := len(rows)
	if b == 0 || len(rows[0]) != 2*(d+d*d) {
		return fmt.Errorf("mvn_pairs.csv.gz: %d rows of %d values, want rows of %d", b, len(rows[0]), 2*(d+d*d))
	}
	m1, s1, m2, s2 := make([]float64, 0, b*d), make([]float64, 0, b*d*d), make([]float64, 0, b*d), make([]float64, 0, b*d*d)
	for _, r := range rows {
		m1 = append(m1, r[:d]...)
		s1 = append(s1, r[d:d+d*d]...)
		m2 = append(m2, r[d+d*d:2*d+d*d]...)
		s2 = append(s2, r[2*d+d*d:]...)
	}
	var kl ad.Var
	var cerr error
	call := func() {
		p, e1 := dist.MultivariateNormalCov(ad.Const(b, d, m1), ad.Const(b, d*d, s1))
		q, e2 := dist.MultivariateNormalCov(ad.Const(b, d, m2), ad.Const(b, d*d, s2))
		if e1 != nil || e2 != nil {
			cerr = fmt.Errorf("%v %v", e1, e2)
			return
		}
		kl, cerr = dist.KL(p, q)
	}
	ms := medianMillis(call, 3, 21)
	if cerr != nil {
		return cerr
	}
	var sum float64
	for _, v := range kl.Value() {
		sum += v
	}
	emit(w, "W2", "ms_per_call", math.Round(ms*1e4)/1e4, nil)
	emit(w, "W2", "sum_kl", sum, nil)
	return nil
}
