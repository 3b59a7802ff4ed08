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
