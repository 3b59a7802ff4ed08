package vae

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/mnist"
	"github.com/kldiv/kldiv/nn"
	"github.com/kldiv/kldiv/optim"
)

// Trainer is the dedicated training loop: each step records the batch
// loss -mean_b obj_b (SPEC W4: the mean of the per-image loss over the
// batch) on one reused tape, back-propagates and lets the optimizer update
// the VAE's parameters in place. After the first steps a Step allocates
// nothing of its own (the tape's arena and the batch buffer are reused).
// A Trainer is used by one goroutine.
type Trainer struct {
	VAE *VAE
	Opt optim.Optimizer
	// Batch is the minibatch size (default 128).
	Batch int
	// Steps counts the optimizer steps taken (the warm-up clock).
	Steps int
	// Epochs counts the epochs completed by Epoch.
	Epochs int

	tape *ad.Tape
	rng  *rand.Rand
	buf  []float64
}

// NewTrainer returns a trainer of v with optimizer opt (nil: Adam with
// step size 1e-3) and batch size batch (<= 0: 128), whose shuffling,
// noise and dynamic binarization come from one PCG stream seeded with
// seed.
func NewTrainer(v *VAE, opt optim.Optimizer, batch int, seed uint64) *Trainer {
	if opt == nil {
		opt = optim.NewAdam(1e-3)
	}
	if batch <= 0 {
		batch = 128
	}
	return &Trainer{VAE: v, Opt: opt, Batch: batch, tape: ad.NewTape(), rng: rand.New(rand.NewPCG(seed, 0x5ae))}
}

// StepStats are the batch means of one step's terms (nats per example).
type StepStats struct {
	// ELBO is the mean per-example ELBO (the IWAE-K bound when K > 1).
	ELBO float64
	// KL is the mean closed-form KL(q(z|x) || p(z)) (NaN for IWAE).
	KL float64
	// Beta is the KL weight used.
	Beta float64
}

// Step takes one optimizer step on the rows x Input batch x (row-major)
// and returns its statistics. It panics if len(x) != rows*Input.
func (tr *Trainer) Step(x []float64, rows int) StepStats {
	v := tr.VAE
	if len(x) != rows*v.Input {
		panic(fmt.Sprintf("vae: Step: %d values for %d rows of %d", len(x), rows, v.Input))
	}
	t := tr.tape
	t.Reset()
	for _, p := range v.params {
		p.ZeroGrad()
	}
	beta := v.betaAt(tr.Steps)
	obj, elbo, kl := v.Objective(nn.On(t), t.Const(rows, v.Input, x), tr.rng, beta)
	loss := ad.Neg(ad.Mean(obj))
	t.Backward(loss)
	tr.Opt.Step(v.params)
	tr.Steps++
	st := StepStats{ELBO: meanOf(elbo.Value()), KL: math.NaN(), Beta: beta}
	if kl != (ad.Var{}) {
		st.KL = meanOf(kl.Value())
	}
	return st
}

func meanOf(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// Progress reports a step of an epoch to a callback.
type Progress struct {
	Epoch          int // 1-based
	Batch, Batches int // 1-based batch index and batches per epoch
	Step           int // optimizer steps so far
	Stats          StepStats
}

// EpochStats summarizes an epoch: the means over its batches weighted by
// batch size.
type EpochStats struct {
	Epoch     int
	TrainELBO float64
	TrainKL   float64
}

// Epoch runs one pass over data in shuffled minibatches (a fresh
// permutation from the trainer's stream; the last batch is smaller when
// Batch does not divide data.Len(), and kept), calling onStep after each
// step (nil: no calls). It stops early with ctx's error.
func (tr *Trainer) Epoch(ctx context.Context, data Data, onStep func(Progress)) (EpochStats, error) {
	tr.VAE.checkData(data)
	n := data.Len()
	d := data.Dim()
	if cap(tr.buf) < tr.Batch*d {
		tr.buf = make([]float64, tr.Batch*d)
	}
	batches := (n + tr.Batch - 1) / tr.Batch
	var es EpochStats
	es.Epoch = tr.Epochs + 1
	k := 0
	for idx := range mnist.Epoch(tr.rng, n, tr.Batch) {
		if err := ctx.Err(); err != nil {
			return es, err
		}
		x := tr.buf[:len(idx)*d]
		data.Fill(x, idx, tr.rng)
		st := tr.Step(x, len(idx))
		w := float64(len(idx)) / float64(n)
		es.TrainELBO += w * st.ELBO
		es.TrainKL += w * st.KL
		k++
		if onStep != nil {
			onStep(Progress{Epoch: es.Epoch, Batch: k, Batches: batches, Step: tr.Steps, Stats: st})
		}
	}
	tr.Epochs++
	return es, nil
}
