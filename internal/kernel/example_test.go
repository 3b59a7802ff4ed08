package kernel_test

import (
	"fmt"

	"github.com/kldiv/kldiv/internal/kernel"
)

func ExampleDgemm() {
	// C = A Bᵀ for A 2x3 and B 2x3 (so op(B) is 3x2), row-major.
	a := []float64{1, 2, 3, 4, 5, 6}
	b := []float64{1, 0, 1, 0, 1, 0}
	c := make([]float64, 4)
	kernel.Dgemm(false, true, 2, 2, 3, 1, a, 3, b, 3, 0, c, 2)
	fmt.Println(c)
	// Output: [4 2 10 5]
}

func ExampleExp() {
	x := []float64{0, 1, -745.2, 710}
	dst := kernel.Exp(make([]float64, len(x)), x)
	fmt.Printf("%.15g\n", dst)
	// Output: [1 2.71828182845905 0 +Inf]
}

func ExampleNormalKL() {
	// KL(N(0, 1) || N(1, 2)) = log 2 + (1 + 1)/8 - 1/2 and a pair of equal
	// normals, whose KL is 0.
	dst := make([]float64, 2)
	kernel.NormalKL(dst, nil, []float64{0, 3}, []float64{1, 0.5}, []float64{1, 3}, []float64{2, 0.5})
	fmt.Printf("%.12f\n", dst)
	// Output: [0.443147180560 0.000000000000]
}
