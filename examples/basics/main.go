// Command basics puts the definitions of KL divergence in one place, each
// checked by a second computation:
//
//  1. discrete and continuous KL in closed form against Monte Carlo with
//     its standard error;
//
//  2. asymmetry: KL(P ‖ Q) ≠ KL(Q ‖ P);
//
//  3. support mismatch: KL is +Inf when Q gives zero probability to what P
//     can produce, and additive smoothing makes it finite (and says by how
//     much it moved);
//
//  4. cross-entropy = entropy + KL;
//
//  5. maximum likelihood is minimizing KL(P_data ‖ Q_θ): the Normal fitted
//     by maximum likelihood to draws of a Gamma is the Normal closest to the
//     Gamma in forward KL (moment matching);
//
//  6. Jensen-Shannon and symmetric KL.
//
//     go run ./examples/basics
package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"gonum.org/v1/plot"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/estimators"
	"github.com/kldiv/kldiv/internal/examplekit"
	"github.com/kldiv/kldiv/loss"
)

func main() {
	cfg := examplekit.ParseFlags("basics", os.Args[1:], nil)
	if err := run(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "basics:", err)
		os.Exit(1)
	}
}

// first returns the first value of a B x 1 result.
func first(v ad.Var, err error) float64 {
	if err != nil {
		panic(err) // the pairs below are all registered
	}
	return v.Value()[0]
}

func run(cfg examplekit.Config, out io.Writer) error {
	sum := examplekit.NewSummary("basics", cfg)
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	n := 200000
	if cfg.Quick {
		n = 50000
	}

	// 1. Closed form against Monte Carlo. The k1 estimator averages
	// log p(x) − log q(x) over draws x ~ P; its standard error is the
	// sample standard deviation over √n.
	fmt.Fprintln(out, "1. closed form against Monte Carlo (k1 estimator, ± one standard error)")
	pairs := []struct {
		name string
		p, q dist.Distribution
	}{
		{"Categorical(0.5, 0.3, 0.2) ‖ Categorical(0.2, 0.3, 0.5)",
			dist.Must(dist.NewCategorical(0.5, 0.3, 0.2)), dist.Must(dist.NewCategorical(0.2, 0.3, 0.5))},
		{"Poisson(3) ‖ Poisson(5)", dist.Must(dist.NewPoisson(3)), dist.Must(dist.NewPoisson(5))},
		{"Normal(0, 1) ‖ Normal(1, 2)", dist.Must(dist.NewNormal(0, 1)), dist.Must(dist.NewNormal(1, 2))},
		{"Gamma(2, 3) ‖ Gamma(5, 1)", dist.Must(dist.NewGamma(2, 3)), dist.Must(dist.NewGamma(5, 1))},
	}
	var names []string
	var exact, mc []float64
	for i, pr := range pairs {
		kl := first(dist.KL(pr.p, pr.q))
		est, err := estimators.KL(rng, pr.p, pr.q, n, estimators.K1)
		if err != nil {
			return err
		}
		z := (est[0].Value - kl) / est[0].StdErr
		fmt.Fprintf(out, "   %-55s closed form %.6f   Monte Carlo %.6f ± %.6f   (%+.1f se)\n", pr.name, kl, est[0].Value, est[0].StdErr, z)
		names = append(names, []string{"Cat || Cat", "Pois || Pois", "N || N", "Gamma || Gamma"}[i])
		exact, mc = append(exact, kl), append(mc, est[0].Value)
		sum.Set(fmt.Sprintf("pair%d_closed", i), kl)
		sum.Set(fmt.Sprintf("pair%d_z", i), z)
	}

	// 2. Asymmetry.
	p, q := dist.Must(dist.NewNormal(0, 1)), dist.Must(dist.NewNormal(1, 2))
	pq, qp := first(dist.KL(p, q)), first(dist.KL(q, p))
	fmt.Fprintf(out, "2. asymmetry: KL(N(0,1) ‖ N(1,2)) = %.6f but KL(N(1,2) ‖ N(0,1)) = %.6f\n", pq, qp)
	sum.Set("asym_pq", pq)
	sum.Set("asym_qp", qp)

	// 3. Support mismatch. Q puts no mass on the third outcome, which P
	// can produce: log q = −Inf there and the divergence is infinite.
	// Smoothing Q toward uniform by ε makes it finite; SmoothKL reports
	// the smoothed value and how far the smoothing moved the other terms.
	pp, qq := []float64{0.6, 0.3, 0.1}, []float64{0.7, 0.3, 0}
	inf := loss.KLProbs(pp, qq)
	sm, err := loss.SmoothKL(pp, qq, 1e-3, loss.Additive)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "3. support mismatch: KL(%v ‖ %v) = %v (P puts %.2f where Q has none); smoothed with ε = 1e-3: %.6f (smoothing moved %.4f of Q's mass)\n", pp, qq, inf, sm.Uncovered, sm.KL, sm.Moved)
	sum.Set("mismatch_smoothed", sm.KL)

	// 4. Cross-entropy = entropy + KL, on categorical rows given by logits.
	zp, zq := []float64{1, 0, -1, 2}, []float64{0, 0.5, 0.5, 1}
	h := loss.EntropyRow(zp)
	ce := loss.CrossEntropyRow(zp, zq)
	kl := loss.KLRow(zp, zq)
	fmt.Fprintf(out, "4. H(P, Q) = %.12f = H(P) + KL(P ‖ Q) = %.12f + %.12f (difference %.1e)\n", ce, h, kl, ce-(h+kl))
	sum.Set("ce_identity_gap", ce-(h+kl))

	// 5. Maximum likelihood minimizes KL(P_data ‖ Q_θ): E_P[log p − log q_θ]
	// differs from −E_P[log q_θ] by a constant, and the sample mean of
	// log q_θ estimates E_P[log q_θ]. For a Normal Q_θ the forward-KL
	// optimum matches the moments of P; the MLE on draws of P finds it.
	g := dist.Must(dist.NewGamma(3, 2)) // mean 1.5, sd √3/2
	draws := g.Sample(rng, n).Value()
	var m, v float64
	for _, x := range draws {
		m += x / float64(len(draws))
	}
	for _, x := range draws {
		v += (x - m) * (x - m) / float64(len(draws))
	}
	mle := dist.Must(dist.NewNormal(m, math.Sqrt(v)))
	opt := dist.Must(dist.NewNormal(1.5, math.Sqrt(3)/2))
	klMLE, err := estimators.KL(rng, g, mle, n, estimators.K1)
	if err != nil {
		return err
	}
	klOpt, err := estimators.KL(rng, g, opt, n, estimators.K1)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "5. MLE Normal on %d Gamma(3, 2) draws: mean %.4f (exact 1.5), sd %.4f (exact %.4f); KL(P ‖ Q_MLE) %.5f ± %.5f, at the moment-matched optimum %.5f ± %.5f\n",
		n, m, math.Sqrt(v), math.Sqrt(3)/2, klMLE[0].Value, klMLE[0].StdErr, klOpt[0].Value, klOpt[0].StdErr)
	sum.Set("mle_mean", m)
	sum.Set("mle_sd", math.Sqrt(v))

	// 6. Jensen-Shannon (bounded by log 2, symmetric) and symmetric KL.
	js := loss.JSRow(zp, zq)
	sym := loss.SymmetricKLRow(zp, zq)
	fmt.Fprintf(out, "6. JS(P, Q) = %.6f (<= log 2 = %.6f), symmetric KL = KL(P‖Q) + KL(Q‖P) = %.6f\n", js, math.Ln2, sym)
	sum.Set("js", js)
	sum.Set("symmetric_kl", sym)

	// A picture of part 1: closed form and Monte Carlo side by side.
	pl := examplekit.NewPlot("KL: closed form (bars) and Monte Carlo, 200,000 draws (points)", "", "KL (nats)")
	if err := examplekit.Bars(pl, names, exact, nil, examplekit.Color(5)); err != nil {
		return err
	}
	xs := []float64{0, 1, 2, 3}
	if err := examplekit.Scatter(pl, examplekit.XYs(xs, mc), "Monte Carlo", examplekit.Color(6), 3); err != nil {
		return err
	}
	examplekit.LegendTopLeft(pl)
	f, err := saveOne(cfg, pl)
	if err != nil {
		return err
	}
	sum.AddFile(f)
	fmt.Fprintln(out, "wrote", f)
	return sum.Save(cfg.Out)
}

func saveOne(cfg examplekit.Config, p *plot.Plot) (string, error) {
	return examplekit.Save(p, cfg.Out, "closed_vs_mc.png", 6, 4)
}
