package posteriordb_test

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/models/posteriordb"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// Load a posterior, look at its unconstrained dimension and reference
// parameters, and evaluate its log-density at two particles.
func Example() {
	p, err := posteriordb.Load("eight_schools-eight_schools_noncentered")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("dimension:", p.Dim)
	fmt.Println("parameters:", strings.Join(p.ParamNames(), " "))
	tau, _ := p.Ref("tau")
	fmt.Printf("reference tau: mean %.2f, sd %.2f\n", tau.Mean, tau.SD)

	// Two particles: z = 0 (η = 0, μ = 0, τ = 1) and z with μ = 4.
	t := ad.NewTape()
	z := make([]float64, 2*p.Dim)
	z[p.Dim+8] = 4
	lp := p.Model.LogJoint(t, t.Const(2, p.Dim, z))
	fmt.Printf("log p: %.4f %.4f\n", lp.At(0, 0), lp.At(1, 0))
	// Output:
	// dimension: 10
	// parameters: theta[1] theta[2] theta[3] theta[4] theta[5] theta[6] theta[7] theta[8] mu tau
	// reference tau: mean 3.60, sd 3.20
	// log p: -43.4356 -42.3840
}

func ExampleNames() {
	for _, n := range posteriordb.Names() {
		fmt.Println(n)
	}
	// Output:
	// arK-arK
	// earnings-logearn_interaction
	// eight_schools-eight_schools_centered
	// eight_schools-eight_schools_noncentered
	// garch-garch11
	// gp_pois_regr-gp_pois_regr
	// hmm_example-hmm_example
	// kilpisjarvi_mod-kilpisjarvi
	// low_dim_gauss_mix-low_dim_gauss_mix
	// sblrc-blr
}

// Fit the mean-field normal guide to eight schools and compare its draws
// with the reference posterior (print Table(rows) for the whole table).
func ExampleCompare() {
	p, err := posteriordb.Load("eight_schools-eight_schools_noncentered")
	if err != nil {
		fmt.Println(err)
		return
	}
	opt := optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.01, 1.0/3000))
	res, err := vi.Fit(context.Background(), p.Model.Model(), autoguide.Normal(), elbo.Trace{Particles: 8}, opt,
		vi.MaxSteps(3000), vi.Seed(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	rows := posteriordb.Compare(p, res)
	meanErr, _ := posteriordb.Worst(rows)
	fmt.Println("parameters:", len(rows), "first:", rows[0].Name)
	fmt.Println("every mean within 0.3 reference sd:", meanErr <= 0.3)
	// Output:
	// parameters: 10 first: theta[1]
	// every mean within 0.3 reference sd: true
}
