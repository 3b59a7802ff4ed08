package spec_test

import (
	"fmt"

	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/dist/spec"
)

// A torch-style specification.
func ExampleParse() {
	s, err := spec.Parse("Independent(Normal(loc=[0, 0], scale=[1, 1]), 1)")
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Family, s.Args[0].Spec.Family, s.Args[1].Num)
	_, err = spec.Parse("Normal(0, 1")
	fmt.Println(err)
	// Output:
	// Independent Normal 1
	// spec: "Normal(0, 1": at column 12: expected ',' or ')', found the end of the input
}

// Building a distribution: torch's batch shape comes back beside it.
func ExampleBuild() {
	s, err := spec.Parse("Normal(loc=[0, 1, 2], scale=1)")
	if err != nil {
		panic(err)
	}
	d, batch, err := spec.Build(s)
	if err != nil {
		panic(err)
	}
	q, _ := dist.NewNormal(0, 1)
	kl, err := dist.KL(d, q)
	if err != nil {
		panic(err)
	}
	fmt.Println(batch, kl.Value())
	// Output: [3] [0 0.5 2]
}
