// Command calibrate shows temperature scaling (Guo et al. 2017): a
// classifier trained to overconfidence, a temperature fitted on a
// validation split, and the expected calibration error (ECE) before and
// after on a test split, with the reliability diagrams.
//
//	go run ./examples/calibrate
//	go run ./examples/calibrate -quick -out /tmp/cal
//
// The classifier is a softmax regression on synthetic data whose classes
// overlap, trained with a weight scale that keeps growing (no weight
// decay, many epochs): the way deep networks become overconfident, in a
// model small enough to read.
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/examplekit"
	"github.com/kldiv/kldiv/loss"
	"github.com/kldiv/kldiv/optim"
)

type options struct {
	Classes, Features int
	Epochs            int
}

func main() {
	var o options
	cfg := examplekit.ParseFlags("calibrate", os.Args[1:], func(fs *flag.FlagSet) {
		fs.IntVar(&o.Classes, "classes", 5, "number of classes")
		fs.IntVar(&o.Features, "features", 40, "number of features")
		fs.IntVar(&o.Epochs, "epochs", 400, "training epochs (overfitting on purpose)")
	})
	if err := run(cfg, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "calibrate:", err)
		os.Exit(1)
	}
}

func run(cfg examplekit.Config, o options, out io.Writer) error {
	sum := examplekit.NewSummary("calibrate", cfg)
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	nTrain, nVal, nTest := 250, 3000, 5000
	if cfg.Quick {
		o.Epochs = min(o.Epochs, 150)
	}
	c, d := o.Classes, o.Features
	// Data: class means on a sphere, unit-variance noise; the classes
	// overlap, so the Bayes classifier is far from certain.
	means := make([]float64, c*d)
	for i := range means {
		means[i] = 0.5 * rng.NormFloat64()
	}
	gen := func(n int) ([]float64, []int) {
		x, y := make([]float64, n*d), make([]int, n)
		for i := range n {
			y[i] = rng.IntN(c)
			for j := range d {
				x[i*d+j] = means[y[i]*d+j] + rng.NormFloat64()
			}
		}
		return x, y
	}
	xTr, yTr := gen(nTrain)
	xVal, yVal := gen(nVal)
	xTe, yTe := gen(nTest)

	// Training: full-batch Adam on the cross-entropy of a small training
	// set, long past the point where the validation loss is best. The
	// training loss keeps falling by scaling the logits up: overconfidence.
	w := ad.NewParam("w", d, c, nil)
	b := ad.NewParam("b", 1, c, nil)
	opt := optim.NewAdam(0.05)
	tape := ad.NewTape()
	for range o.Epochs {
		tape.Reset()
		logits := ad.Add(ad.MatMul(tape.Const(nTrain, d, xTr), tape.Param(w)), tape.Param(b))
		l := loss.CrossEntropy(logits, yTr, loss.CEOptions{})
		w.ZeroGrad()
		b.ZeroGrad()
		tape.Backward(l)
		opt.Step([]*ad.Param{w, b})
	}
	logitsOf := func(x []float64, n int) []float64 {
		t := ad.NewTape()
		return append([]float64(nil), ad.Add(ad.MatMul(t.Const(n, d, x), t.Param(w)), t.Param(b)).Value()...)
	}
	zVal, zTe := logitsOf(xVal, nVal), logitsOf(xTe, nTest)

	// The temperature is fitted on the validation split only; the test
	// split measures the result.
	T, err := loss.FitTemperature(zVal, c, yVal)
	if err != nil {
		return err
	}
	before, err := loss.Calibrate(zTe, c, yTe, 1, 15)
	if err != nil {
		return err
	}
	after, err := loss.Calibrate(zTe, c, yTe, T, 15)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "classifier: %d classes, %d features, %d training points, %d epochs\n", c, d, nTrain, o.Epochs)
	fmt.Fprintf(out, "fitted temperature on %d validation points: T = %.4f\n", nVal, T)
	fmt.Fprintf(out, "test (%d points)      accuracy   NLL      ECE      MCE\n", nTest)
	fmt.Fprintf(out, "  before (T = 1)      %.4f    %.4f   %.4f   %.4f\n", before.Accuracy, before.NLL, before.ECE, before.MCE)
	fmt.Fprintf(out, "  after  (T = %.3f)  %.4f    %.4f   %.4f   %.4f\n", T, after.Accuracy, after.NLL, after.ECE, after.MCE)
	sum.Set("temperature", T)
	sum.Set("accuracy", before.Accuracy)
	sum.Set("ece_before", before.ECE)
	sum.Set("ece_after", after.ECE)
	sum.Set("mce_before", before.MCE)
	sum.Set("mce_after", after.MCE)
	sum.Set("nll_before", before.NLL)
	sum.Set("nll_after", after.NLL)

	f, err := reliability(cfg.Out, before, after, T)
	if err != nil {
		return err
	}
	sum.AddFile(f)
	fmt.Fprintln(out, "wrote", f)
	return sum.Save(cfg.Out)
}

// reliability draws the two reliability diagrams side by side: accuracy
// per confidence bin against the diagonal of perfect calibration.
func reliability(dir string, before, after loss.Calibration, T float64) (string, error) {
	panel := func(c loss.Calibration, title string, col int) (*plot.Plot, error) {
		p := examplekit.NewPlot(title, "confidence (top probability)", "accuracy")
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
		var acc, conf plotter.XYs
		for _, b := range c.Bins {
			if b.Count == 0 {
				continue
			}
			mid := (b.Lo + b.Hi) / 2
			acc = append(acc, plotter.XY{X: mid, Y: b.Accuracy})
			conf = append(conf, plotter.XY{X: mid, Y: b.Confidence})
		}
		// A bar of accuracy per bin; the bin's mean confidence is the
		// marker, so the gap between them is the miscalibration.
		for _, pt := range acc {
			poly, err := plotter.NewPolygon(plotter.XYs{{X: pt.X - 1.0/30, Y: 0}, {X: pt.X + 1.0/30, Y: 0}, {X: pt.X + 1.0/30, Y: pt.Y}, {X: pt.X - 1.0/30, Y: pt.Y}})
			if err != nil {
				return nil, err
			}
			poly.Color = examplekit.Fade(examplekit.Color(col), 0.75)
			poly.LineStyle.Color = examplekit.Color(0)
			poly.LineStyle.Width = vg.Points(0.5)
			p.Add(poly)
		}
		if err := examplekit.Line(p, plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}, "perfect calibration", examplekit.Color(0), true); err != nil {
			return nil, err
		}
		if err := examplekit.Scatter(p, conf, "mean confidence of the bin", examplekit.Color(6), 3); err != nil {
			return nil, err
		}
		examplekit.LegendTopLeft(p)
		return p, nil
	}
	p1, err := panel(before, fmt.Sprintf("Before: ECE %.3f", before.ECE), 4)
	if err != nil {
		return "", err
	}
	p2, err := panel(after, fmt.Sprintf("After temperature scaling (T = %.2f): ECE %.3f", T, after.ECE), 2)
	if err != nil {
		return "", err
	}
	return examplekit.SaveGrid([][]*plot.Plot{{p1, p2}}, dir, "reliability.png", 5.5, 5)
}
