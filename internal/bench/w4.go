package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/kldiv/kldiv/mnist"
	"github.com/kldiv/kldiv/models/vae"
	"github.com/kldiv/kldiv/optim"
)

// runW4 is SPEC.md's W4: the VAE 784-400-20 on statically binarized
// MNIST, Bernoulli decoder on logits, closed-form KL, Adam 1e-3, batch 128,
// 469 batches an epoch (the last of 96 kept), 20 untimed warm-up steps on
// a separate model first. Metrics s_per_epoch (median over the epochs run
// of the training wall time of one epoch), test_elbo_nats (mean per image
// over the 10,000 test images, one sample) and, with cfg.IWAEK > 0,
// test_nll_iwae<k>_nats (Burda et al. 2016). Every line carries "epochs"
// and "dtype".
func runW4(w io.Writer, cfg Config) error { return w4(w, cfg, 0, 0) }

// w4 is runW4 on the first nTrain training and nTest test images (0: all;
// the tests use subsets, SPEC's figures all of them).
func w4(w io.Writer, cfg Config, nTrain, nTest int) error {
	epochs := cfg.Epochs
	if epochs <= 0 {
		epochs = 1
	}
	train, err := mnist.Load(mnist.Train)
	if err != nil {
		return err
	}
	test, err := mnist.Load(mnist.Test)
	if err != nil {
		return err
	}
	train, test = train.Subset(nTrain), test.Subset(nTest)
	trainData := vae.MNIST(train, mnist.Static)
	testData := vae.MNIST(test, mnist.Static)
	ctx := context.Background()

	// Warm-up: 20 steps on a separate model.
	warm, err := vae.New(vae.Config{}, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		return err
	}
	wt := vae.NewTrainer(warm, optim.NewAdam(1e-3), 128, 1)
	wctx, stop := context.WithCancel(ctx)
	_, err = wt.Epoch(wctx, trainData, func(p vae.Progress) {
		if p.Step >= 20 {
			stop()
		}
	})
	stop()
	if err != nil && err != context.Canceled {
		return err
	}

	v, err := vae.New(vae.Config{}, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return err
	}
	tr := vae.NewTrainer(v, optim.NewAdam(1e-3), 128, 0)
	times := make([]float64, epochs)
	for e := range epochs {
		t0 := time.Now()
		st, err := tr.Epoch(ctx, trainData, nil)
		if err != nil {
			return err
		}
		times[e] = time.Since(t0).Seconds()
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "W4 epoch %d/%d: %.2f s, train ELBO %.3f nats\n", e+1, epochs, times[e], st.TrainELBO)
		}
	}
	extra := map[string]any{"epochs": epochs, "dtype": "float64"}
	Emit(w, "W4", "s_per_epoch", Median(times), extra)
	elbo, err := v.TestELBO(ctx, testData, 7)
	if err != nil {
		return err
	}
	Emit(w, "W4", "test_elbo_nats", elbo, extra)
	if cfg.IWAEK > 0 {
		n := cfg.IWAEN
		if n <= 0 || n > testData.Len() {
			n = testData.Len()
		}
		t0 := time.Now()
		nll, err := v.IWAE(ctx, testData, cfg.IWAEK, n, 11, nil)
		if err != nil {
			return err
		}
		// The keys of the peer's line: images evaluated and seconds taken.
		ex := map[string]any{"epochs": epochs, "dtype": "float64",
			"iwae_images": n, "s_iwae": math.Round(time.Since(t0).Seconds()*10) / 10}
		Emit(w, "W4", fmt.Sprintf("test_nll_iwae%d_nats", cfg.IWAEK), nll, ex)
	}
	return nil
}
