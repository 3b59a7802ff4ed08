// Command ppo-kl trains a softmax policy on a contextual bandit with PPO's
// adaptive KL penalty (Schulman et al. 2017, §4) and plots, per policy
// update, the divergence KL(π_old ‖ π_new) against its target and the
// penalty coefficient β that the rule adapts.
//
//	go run ./examples/ppo-kl
//	go run ./examples/ppo-kl -target 0.003 -updates 80
//
// Each update collects a batch of contexts, samples actions from the
// current policy π_old, observes Bernoulli rewards, and then takes several
// Adam steps on the penalized surrogate
//
//	mean_i [π_new(a_i|x_i)/π_old(a_i|x_i) · A_i] − β · mean_i KL(π_old(·|x_i) ‖ π_new(·|x_i)),
//
// with the exact categorical KL (the policies' logits are known). After
// the update the KL is measured exactly and by the k3 estimator from the
// sampled actions alone, and β doubles or halves (loss.AdaptiveKL).
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"gonum.org/v1/plot"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/examplekit"
	"github.com/kldiv/kldiv/loss"
	"github.com/kldiv/kldiv/optim"
)

type options struct {
	Updates, Batch, Epochs int
	Target, Beta, LR       float64
}

const (
	arms     = 6
	features = 5
)

func main() {
	var o options
	cfg := examplekit.ParseFlags("ppo-kl", os.Args[1:], func(fs *flag.FlagSet) {
		fs.IntVar(&o.Updates, "updates", 60, "policy updates")
		fs.IntVar(&o.Batch, "batch", 1024, "contexts per update")
		fs.IntVar(&o.Epochs, "epochs", 10, "Adam steps per update")
		fs.Float64Var(&o.Target, "target", 0.01, "target KL(π_old ‖ π_new) per update (nats)")
		fs.Float64Var(&o.Beta, "beta", 1, "initial KL penalty coefficient")
		fs.Float64Var(&o.LR, "lr", 0.05, "Adam step size")
	})
	if err := run(cfg, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ppo-kl:", err)
		os.Exit(1)
	}
}

// bandit is a contextual bandit: arm a pays 1 with probability
// sigmoid(θ_a · x) in context x.
type bandit struct{ theta []float64 }

func (b bandit) mean(a int, x []float64) float64 {
	var s float64
	for j, v := range x {
		s += b.theta[a*features+j] * v
	}
	return 1 / (1 + math.Exp(-s))
}

func run(cfg examplekit.Config, o options, out io.Writer) error {
	sum := examplekit.NewSummary("ppo-kl", cfg)
	if cfg.Quick {
		o.Updates = min(o.Updates, 25)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	env := bandit{theta: make([]float64, arms*features)}
	for i := range env.theta {
		env.theta[i] = 1.5 * rng.NormFloat64()
	}
	// The policy: logits = x W, softmax over arms, W starting at zero
	// (uniform).
	w := ad.NewParam("w", features, arms, nil)
	opt := optim.NewAdam(o.LR)
	adapt := loss.NewAdaptiveKL(o.Beta, o.Target)

	n := o.Batch
	x := make([]float64, n*features)
	onehot := make([]float64, n*arms)
	adv := make([]float64, n)
	logOld, logNew := make([]float64, n), make([]float64, n)
	var klExact, klK3, klK3se, betas, rewards []float64
	tape := ad.NewTape()
	logits := func(t *ad.Tape, p ad.Var) ad.Var { return ad.MatMul(t.Const(n, features, x), p) }

	fmt.Fprintf(out, "contextual bandit: %d arms, %d features; PPO with adaptive KL penalty, target %.4g nats\n", arms, features, o.Target)
	fmt.Fprintln(out, "update  reward  optimal  KL(old‖new) exact  k3 estimate       beta")
	for u := 1; u <= o.Updates; u++ {
		// Collect: contexts, actions from π_old, rewards.
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		tape.Reset()
		tape.SetNoGrad(true)
		oldLogits := append([]float64(nil), logits(tape, tape.Param(w)).Value()...)
		tape.SetNoGrad(false)
		clear(onehot)
		var meanR, expR, optR float64
		rs := make([]float64, n)
		for i := range n {
			xi := x[i*features : (i+1)*features]
			lp := logSoftmax(oldLogits[i*arms : (i+1)*arms])
			u, a := rng.Float64(), 0
			for ; a < arms-1; a++ {
				u -= math.Exp(lp[a])
				if u < 0 {
					break
				}
			}
			onehot[i*arms+a] = 1
			logOld[i] = lp[a]
			if rng.Float64() < env.mean(a, xi) {
				rs[i] = 1
			}
			meanR += rs[i] / float64(n)
			best := 0.0
			for b := range arms {
				m := env.mean(b, xi)
				expR += math.Exp(lp[b]) * m / float64(n)
				best = math.Max(best, m)
			}
			optR += best / float64(n)
		}
		for i := range n {
			adv[i] = rs[i] - meanR // the batch mean as baseline
		}

		// Update: Adam steps on the penalized surrogate (maximized, so the
		// loss is its negative).
		for range o.Epochs {
			tape.Reset()
			z := logits(tape, tape.Param(w))
			lpAct := ad.SumCols(ad.Mul(ad.LogSoftmaxCols(z), tape.Const(n, arms, onehot)))
			ratio := ad.Exp(ad.Sub(lpAct, tape.Const(n, 1, logOld)))
			surr := ad.Mean(ad.Mul(ratio, tape.Const(n, 1, adv)))
			kl := ad.Mean(loss.PolicyKLOldNew(tape.Const(n, arms, oldLogits), z))
			obj := ad.Sub(ad.Scale(kl, adapt.Beta), surr)
			w.ZeroGrad()
			tape.Backward(obj)
			opt.Step([]*ad.Param{w})
		}

		// Measure the update's KL(π_old ‖ π_new): exactly, and by k3 from
		// the sampled actions only (what an agent without access to the
		// old logits of every action could compute).
		tape.Reset()
		tape.SetNoGrad(true)
		z := logits(tape, tape.Param(w))
		exact := ad.Mean(loss.PolicyKLOldNew(tape.Const(n, arms, oldLogits), z)).Value()[0]
		newLogits := z.Value()
		for i := range n {
			lp := logSoftmax(newLogits[i*arms : (i+1)*arms])
			for a := range arms {
				if onehot[i*arms+a] == 1 {
					logNew[i] = lp[a]
				}
			}
		}
		tape.SetNoGrad(false)
		k3, err := loss.SampledKLOldNew(logOld, logNew, loss.K3)
		if err != nil {
			return err
		}
		beta := adapt.Beta
		adapt.Update(exact)
		klExact, klK3, klK3se = append(klExact, exact), append(klK3, k3.Value), append(klK3se, k3.StdErr)
		betas, rewards = append(betas, beta), append(rewards, expR)
		if u <= 5 || u%10 == 0 || u == o.Updates {
			fmt.Fprintf(out, "%6d  %.4f  %.4f   %.5f            %.5f ± %.5f  %8.4f\n", u, expR, optR, exact, k3.Value, k3.StdErr, beta)
		}
		sum.Set("optimal_reward", optR)
	}
	// How often the KL landed within a factor 1.5 of its target, over the
	// second half (after β has adapted).
	inBand := 0
	half := o.Updates / 2
	for _, k := range klExact[half:] {
		if k <= 1.5*o.Target && k >= o.Target/1.5 {
			inBand++
		}
	}
	fmt.Fprintf(out, "second half: KL within [target/1.5, 1.5 target] in %d of %d updates; final expected reward %.4f\n",
		inBand, o.Updates-half, rewards[len(rewards)-1])
	sum.Set("kl_exact", klExact)
	sum.Set("kl_k3", klK3)
	sum.Set("beta", betas)
	sum.Set("reward", rewards)
	sum.Set("kl_in_band_second_half", float64(inBand)/float64(o.Updates-half))
	sum.Set("final_reward", rewards[len(rewards)-1])

	f, err := pictures(cfg.Out, o, klExact, klK3, klK3se, betas, rewards)
	if err != nil {
		return err
	}
	sum.AddFile(f)
	fmt.Fprintln(out, "wrote", f)
	return sum.Save(cfg.Out)
}

func logSoftmax(z []float64) []float64 {
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, v)
	}
	var s float64
	for _, v := range z {
		s += math.Exp(v - m)
	}
	out := make([]float64, len(z))
	for j, v := range z {
		out[j] = v - m - math.Log(s)
	}
	return out
}

func pictures(dir string, o options, kl, k3, k3se, betas, rewards []float64) (string, error) {
	u := make([]float64, len(kl))
	for i := range u {
		u[i] = float64(i + 1)
	}
	p1 := examplekit.NewPlot("KL(π_old ‖ π_new) per update (log scale)", "policy update", "KL (nats)")
	p1.Y.Scale = plot.LogScale{}
	p1.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	hi, lo := make([]float64, len(u)), make([]float64, len(u))
	tg := make([]float64, len(u))
	for i := range u {
		tg[i], hi[i], lo[i] = o.Target, 1.5*o.Target, o.Target/1.5
	}
	if err := examplekit.Line(p1, examplekit.XYs(u, tg), "target", examplekit.Color(0), true); err != nil {
		return "", err
	}
	if err := examplekit.Line(p1, examplekit.XYs(u, hi), "1.5 × target and target / 1.5", examplekit.Fade(examplekit.Color(0), 0.4), true); err != nil {
		return "", err
	}
	if err := examplekit.Line(p1, examplekit.XYs(u, lo), "", examplekit.Fade(examplekit.Color(0), 0.4), true); err != nil {
		return "", err
	}
	if err := examplekit.Line(p1, examplekit.XYs(u, kl), "exact", examplekit.Color(5), false); err != nil {
		return "", err
	}
	if err := examplekit.Scatter(p1, examplekit.XYs(u, k3), "k3 estimate from sampled actions", examplekit.Color(6), 2.2); err != nil {
		return "", err
	}
	p1.Legend.Top = true
	p1.Legend.Left = false

	p2 := examplekit.NewPlot("Penalty coefficient β (log scale)", "policy update", "β")
	p2.Y.Scale = plot.LogScale{}
	p2.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	if err := examplekit.Line(p2, examplekit.XYs(u, betas), "", examplekit.Color(2), false); err != nil {
		return "", err
	}
	p3 := examplekit.NewPlot("Expected reward of the policy", "policy update", "reward")
	if err := examplekit.Line(p3, examplekit.XYs(u, rewards), "", examplekit.Color(3), false); err != nil {
		return "", err
	}
	return examplekit.SaveGrid([][]*plot.Plot{{p1, p2, p3}}, dir, "ppo_kl.png", 5, 4)
}
