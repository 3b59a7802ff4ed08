package nn_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/nn"
)

// An MLP on a plain tape: torch-style names, one forward and backward pass,
// and a save/load round trip of its state.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	net := nn.NewMLP("enc", []int{3, 8, 2}, nn.ReLU, rng)
	for _, p := range net.Params() {
		fmt.Println(p.Name, p.Rows, "x", p.Cols)
	}
	t := ad.NewTape()
	x := t.Const(4, 3, make([]float64, 12)) // a batch of 4 examples
	y := net.Forward(nn.On(t), x)
	t.Backward(ad.Sum(y))
	fmt.Println("output", y.Rows(), "x", y.Cols())

	var buf bytes.Buffer
	if err := nn.Save(&buf, net.Params(), nil); err != nil {
		panic(err)
	}
	st, err := nn.Load(&buf)
	if err != nil {
		panic(err)
	}
	fresh := nn.NewMLP("enc", []int{3, 8, 2}, nn.ReLU, rand.New(rand.NewPCG(9, 9)))
	fmt.Println(st.Into(fresh.Params()), fresh.Params()[0].Val[0] == net.Params()[0].Val[0])
	// Output:
	// enc.0.weight 8 x 3
	// enc.0.bias 1 x 8
	// enc.2.weight 2 x 8
	// enc.2.bias 1 x 2
	// output 4 x 2
	// <nil> true
}
