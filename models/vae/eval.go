package vae

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/nn"
)

// evalChunk is the number of examples per evaluation tape.
const evalChunk = 500

// forChunks runs body over consecutive chunks of n examples on up to
// GOMAXPROCS workers, each with its own tape (no-gradient mode). Chunk c
// covers [c*size, min((c+1)*size, n)); results written per chunk do not
// depend on the number of workers.
func forChunks(ctx context.Context, n, size int, body func(t *ad.Tape, c, lo, hi int)) error {
	chunks := (n + size - 1) / size
	workers := min(runtime.GOMAXPROCS(0), chunks)
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := ad.NewTape()
			t.SetNoGrad(true)
			for {
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				c := next
				next++
				mu.Unlock()
				if c >= chunks {
					return
				}
				t.Reset()
				body(t, c, c*size, min((c+1)*size, n))
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// TestELBO returns the mean per-example ELBO of data (nats): one
// reparameterized sample per example and the closed-form KL, the
// quantity SPEC W4 reports. Example i draws its noise from a PCG stream
// seeded with (seed, chunk of i), so the value for a seed does not depend
// on GOMAXPROCS.
func (v *VAE) TestELBO(ctx context.Context, data Data, seed uint64) (float64, error) {
	v.checkData(data)
	n, d := data.Len(), data.Dim()
	sums := make([]float64, (n+evalChunk-1)/evalChunk)
	err := forChunks(ctx, n, evalChunk, func(t *ad.Tape, c, lo, hi int) {
		idx := make([]int, hi-lo)
		for i := range idx {
			idx[i] = lo + i
		}
		buf := t.Buffer(len(idx) * d)
		rng := rand.New(rand.NewPCG(seed, uint64(c)))
		data.Fill(buf, idx, rng)
		// The ELBO (k = 1), whatever the training objective.
		_, elbo, _ := v.objective(nn.On(t), t.Const(len(idx), d, buf), rng, 1, 1)
		var s float64
		for _, e := range elbo.Value() {
			s += e
		}
		sums[c] = s
	})
	if err != nil {
		return 0, err
	}
	var s float64
	for _, x := range sums {
		s += x
	}
	return s / float64(n), nil
}

// IWAE returns the importance-weighted estimate of -log p(x) averaged
// over the first n examples of data (n <= 0: all), with k samples from the
// encoder per example (Burda, Grosse and Salakhutdinov 2016, eq. 8):
//
//	-log p(x) ≈ -log (1/k) Σ_j p(x | z_j) p(z_j) / q(z_j | x),  z_j ~ q(z | x),
//
// an upper bound on -log p(x) in expectation that tightens as k grows. The
// k samples are processed in chunks of at most 500 rows and combined by a
// log-sum-exp per example. Example i draws from a PCG stream seeded with
// (seed, i), so the result does not depend on GOMAXPROCS. onDone (may be
// nil) is called, from several goroutines, after each example with the
// number finished so far.
func (v *VAE) IWAE(ctx context.Context, data Data, k, n int, seed uint64, onDone func(done int)) (float64, error) {
	v.checkData(data)
	if n <= 0 || n > data.Len() {
		n = data.Len()
	}
	if k < 1 {
		k = 1
	}
	d, L := data.Dim(), v.Latent
	nll := make([]float64, n)
	var mu sync.Mutex
	done := 0
	chunk := min(k, evalChunk)
	err := forChunks(ctx, n, 1, func(t *ad.Tape, _, i, _ int) {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		x := make([]float64, d)
		data.Fill(x, []int{i}, rng)
		xv := t.Const(1, d, x)
		q := v.Encode(nn.On(t), xv)
		// The encoder's outputs are copied out: each chunk below resets
		// the tape.
		qmu := append([]float64(nil), q.Loc.Value()...)
		qsd := append([]float64(nil), q.Scale.Value()...)
		lw := make([]float64, 0, k)
		zb := make([]float64, chunk*L)
		for s := 0; s < k; s += chunk {
			m := min(chunk, k-s)
			t.Reset()
			xc := t.Const(1, d, x)
			var lq [evalChunk]float64
			for r := 0; r < m; r++ {
				var a float64
				for j := 0; j < L; j++ {
					e := rng.NormFloat64()
					zb[r*L+j] = qmu[j] + qsd[j]*e
					a += -0.5*e*e - math.Log(qsd[j])
				}
				lq[r] = a - float64(L)*logSqrt2Pi
			}
			z := t.Const(m, L, zb[:m*L])
			ll := v.Likelihood(nn.On(t), z).LogProb(xc).Value()
			lp := v.prior.LogProb(z).Value()
			for r := 0; r < m; r++ {
				lw = append(lw, ll[r]+lp[r]-lq[r])
			}
		}
		nll[i] = -(logSumExp(lw) - math.Log(float64(k)))
		if onDone != nil {
			mu.Lock()
			done++
			dn := done
			mu.Unlock()
			onDone(dn)
		}
	})
	if err != nil {
		return 0, err
	}
	var s float64
	for _, x := range nll {
		s += x
	}
	return s / float64(n), nil
}

const logSqrt2Pi = 0.9189385332046727

func logSumExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}
