package dist_test

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// A family's declaration lists its parameters in torch's order with
// their shapes and constraints; New builds it from them (the zero ad.Var
// for an alternative left out) and ParamsOf reads them back.
func ExampleDeclaration() {
	f, _ := dist.Declaration("MultivariateNormal")
	for _, p := range f.Params {
		fmt.Printf("%-17s %-6v %v\n", p.Name, p.Shape, p.Constraint)
	}
	fmt.Println("exactly one of:", f.OneOf)

	d, err := f.New([]ad.Var{ad.Row([]float64{0, 1}), ad.Row([]float64{4, 2, 2, 5}), {}, {}})
	fmt.Println(err)
	_, ps, _ := dist.ParamsOf(d)
	fmt.Println("scale_tril:", ps[3].Value())

	_, err = f.New([]ad.Var{ad.Row([]float64{0, 1}), {}, {}, {}})
	fmt.Println(err)
	// Output:
	// loc               (D,)   a finite number
	// covariance_matrix (D, D) a symmetric positive-definite matrix
	// precision_matrix  (D, D) a symmetric positive-definite matrix
	// scale_tril        (D, D) a lower-triangular matrix with a positive diagonal
	// exactly one of: [covariance_matrix precision_matrix scale_tril]
	// <nil>
	// scale_tril: [2 0 1 2]
	// dist: MultivariateNormal: parameter covariance_matrix, precision_matrix or scale_tril is missing: exactly one of covariance_matrix, precision_matrix and scale_tril must be set
}
