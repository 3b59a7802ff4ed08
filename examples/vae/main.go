// Command vae trains a variational autoencoder on binarized MNIST, as in
// Kingma and Welling (2014), and evaluates it as Burda, Grosse and
// Salakhutdinov (2016) do: the test ELBO and the importance-weighted
// estimate of -log p(x).
//
//	go run ./examples/vae                 # SPEC W4: 784-400-20, 10 epochs
//	go run ./examples/vae -quick          # a few seconds on a subset
//	go run ./examples/vae -latent 2       # a 2-D latent space to look at
//	go run ./examples/vae -beta 4 -warmup 2000 -iwae-k 5000 -iwae-n 0
//
// It writes elbo.png (train and test ELBO per epoch), recon.png (test
// digits above their reconstructions), samples.png (digits decoded from
// the prior), latent.png (the test set's latent means coloured by digit)
// and summary.json to -out.
package main

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/plotter"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/examplekit"
	"github.com/kldiv/kldiv/mnist"
	"github.com/kldiv/kldiv/models/vae"
	"github.com/kldiv/kldiv/nn"
	"github.com/kldiv/kldiv/optim"
)

// options are this example's own flags.
type options struct {
	Epochs  int
	Latent  int
	Hidden  string
	Beta    float64
	WarmUp  int
	K       int
	Decoder string
	Binar   string
	LR      float64
	IWAEK   int
	IWAEN   int
}

func main() {
	var o options
	cfg := examplekit.ParseFlags("vae", os.Args[1:], func(fs *flag.FlagSet) {
		fs.IntVar(&o.Epochs, "epochs", 10, "training epochs (SPEC W4's quality run is 10)")
		fs.IntVar(&o.Latent, "latent", 20, "latent dimensions")
		fs.StringVar(&o.Hidden, "hidden", "400", "hidden layer sizes of encoder and decoder, comma separated")
		fs.Float64Var(&o.Beta, "beta", 1, "weight of the KL term (beta-VAE; 1 is the ELBO)")
		fs.IntVar(&o.WarmUp, "warmup", 0, "steps over which the KL weight rises linearly from 0 to beta")
		fs.IntVar(&o.K, "k", 1, "importance samples of the training objective (1: ELBO, >1: IWAE-k)")
		fs.StringVar(&o.Decoder, "decoder", "bernoulli", "decoder: bernoulli, continuous-bernoulli or gaussian")
		fs.StringVar(&o.Binar, "binarize", "static", "pixels: static (>= 128), dynamic (Bernoulli per batch) or gray")
		fs.Float64Var(&o.LR, "lr", 1e-3, "Adam step size")
		fs.IntVar(&o.IWAEK, "iwae-k", 1000, "samples per image of the IWAE estimate of -log p(x) (0: skip; the papers use 5000)")
		fs.IntVar(&o.IWAEN, "iwae-n", 500, "test images for the IWAE estimate (0: all 10,000)")
	})
	if err := run(cfg, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "vae:", err)
		os.Exit(1)
	}
}

func run(cfg examplekit.Config, o options, out io.Writer) error {
	ctx := context.Background()
	sum := examplekit.NewSummary("vae", cfg)

	// The data: MNIST from the GoMNIST module (go mod download fetches it).
	// Pixels stay bytes; each batch is converted when it is drawn.
	train, err := mnist.Load(mnist.Train)
	if err != nil {
		return err
	}
	test, err := mnist.Load(mnist.Test)
	if err != nil {
		return err
	}
	if cfg.Quick {
		// A subset and a few epochs: enough to see the ELBO climb from
		// about -543 nats (an untrained decoder) to well above -250.
		train, test = train.Subset(2048), test.Subset(500)
		o.Epochs = min(o.Epochs, 3)
		o.IWAEK, o.IWAEN = min(o.IWAEK, 50), min(max(o.IWAEN, 1), 100)
	}
	bin, err := mnist.ParseBinarization(o.Binar)
	if err != nil {
		return err
	}
	dec, err := vae.ParseDecoder(o.Decoder)
	if err != nil {
		return err
	}
	hidden, err := parseSizes(o.Hidden)
	if err != nil {
		return err
	}
	trainData, testData := vae.MNIST(train, bin), vae.MNIST(test, bin)

	// The model and the amortized guide: encoder x -> (mu, log var), decoder
	// z -> Bernoulli logits, prior N(0, I). vae.New validates the options.
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	v, err := vae.New(vae.Config{Latent: o.Latent, Hidden: hidden, Decoder: dec, Beta: o.Beta, WarmUp: o.WarmUp, K: o.K}, rng)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "VAE %d-%s-%d, %s decoder, beta %g, K %d; %d training and %d test images (%s)\n",
		mnist.Pixels, o.Hidden, o.Latent, dec, o.Beta, o.K, train.N, test.N, bin)

	// Training: Adam on every network parameter, minibatches of 128 in a
	// fresh seeded permutation each epoch. The bar shows steps with an ETA.
	tr := vae.NewTrainer(v, optim.NewAdam(o.LR), 128, cfg.Seed)
	batches := (train.N + 127) / 128
	bar := cfg.Progress("train", o.Epochs*batches)
	var trainELBO, testELBO []float64
	start := time.Now()
	for e := 1; e <= o.Epochs; e++ {
		t0 := time.Now()
		st, err := tr.Epoch(ctx, trainData, func(p vae.Progress) {
			bar.Add(1)
			bar.Describe("epoch %d ELBO %.1f", p.Epoch, p.Stats.ELBO)
		})
		if err != nil {
			return err
		}
		te, err := v.TestELBO(ctx, testData, cfg.Seed+uint64(e))
		if err != nil {
			return err
		}
		trainELBO, testELBO = append(trainELBO, st.TrainELBO), append(testELBO, te)
		bar.Finish()
		fmt.Fprintf(out, "epoch %2d  train ELBO %8.3f  test ELBO %8.3f  KL %6.3f nats  (%.1f s)\n",
			e, st.TrainELBO, te, st.TrainKL, time.Since(t0).Seconds())
		if e < o.Epochs {
			bar = cfg.Progress("train", o.Epochs*batches)
			bar.Set(e * batches)
		}
	}
	sum.Set("epochs", o.Epochs)
	sum.Set("train_seconds", time.Since(start).Seconds())
	sum.Set("train_elbo_nats", trainELBO[len(trainELBO)-1])
	sum.Set("test_elbo_nats", testELBO[len(testELBO)-1])
	sum.Set("test_elbo_per_epoch", testELBO)

	// Evaluation: the IWAE estimate of -log p(x) (Burda et al. 2016, eq. 8)
	// with k samples from the encoder per image. It is an upper bound on
	// the true negative log-likelihood that tightens as k grows, and always
	// lies below -ELBO.
	if o.IWAEK > 0 {
		n := o.IWAEN
		if n <= 0 || n > test.N {
			n = test.N
		}
		bar := cfg.Progress(fmt.Sprintf("IWAE-%d", o.IWAEK), n)
		nll, err := v.IWAE(ctx, testData, o.IWAEK, n, cfg.Seed+99, func(done int) { bar.Set(done) })
		bar.Finish()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "IWAE-%d estimate of -log p(x) on %d test images: %.3f nats\n", o.IWAEK, n, nll)
		sum.Set("iwae_k", o.IWAEK)
		sum.Set("iwae_n", n)
		sum.Set("test_nll_iwae_nats", nll)
	}

	// Pictures.
	files, err := pictures(cfg, v, test, testData, trainELBO, testELBO)
	if err != nil {
		return err
	}
	for _, f := range files {
		sum.AddFile(f)
		fmt.Fprintln(out, "wrote", f)
	}
	return sum.Save(cfg.Out)
}

// pictures draws the ELBO curves, reconstructions, prior samples and the
// latent space.
func pictures(cfg examplekit.Config, v *vae.VAE, test *mnist.Set, testData vae.Data, trainELBO, testELBO []float64) ([]string, error) {
	var files []string
	epochs := make([]float64, len(trainELBO))
	for i := range epochs {
		epochs[i] = float64(i + 1)
	}
	p := examplekit.NewPlot("ELBO per epoch", "epoch", "ELBO (nats per image)")
	if err := examplekit.Line(p, examplekit.XYs(epochs, trainELBO), "train", examplekit.Color(0), false); err != nil {
		return nil, err
	}
	if err := examplekit.Line(p, examplekit.XYs(epochs, testELBO), "test", examplekit.Color(1), true); err != nil {
		return nil, err
	}
	p.Legend.Top = false // the curves rise to the top right
	f, err := examplekit.Save(p, cfg.Out, "elbo.png", 6, 4)
	if err != nil {
		return nil, err
	}
	files = append(files, f)

	// Reconstructions: rows of 10 test digits, each row followed by the
	// decoder's mean at the encoder's mean code.
	const cols, pairs = 10, 3
	t := ad.NewTape()
	t.SetNoGrad(true)
	n := cols * pairs
	x := make([]float64, n*mnist.Pixels)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	testData.Fill(x, idx, rand.New(rand.NewPCG(cfg.Seed, 2)))
	q := v.Encode(nn.On(t), t.Const(n, mnist.Pixels, x))
	recon := v.DecodeMean(nn.On(t), q.Loc).Value()
	var tiles [][]float64
	for r := range pairs {
		for c := range cols {
			tiles = append(tiles, x[(r*cols+c)*mnist.Pixels:][:mnist.Pixels])
		}
		for c := range cols {
			tiles = append(tiles, recon[(r*cols+c)*mnist.Pixels:][:mnist.Pixels])
		}
	}
	f, err = examplekit.SavePNG(examplekit.ImageGrid(tiles, 28, 28, 2*pairs, cols, 2), cfg.Out, "recon.png")
	if err != nil {
		return nil, err
	}
	files = append(files, f)

	// Samples from the prior: z ~ N(0, I), decoded to pixel probabilities.
	t.Reset()
	rng := rand.New(rand.NewPCG(cfg.Seed, 3))
	const side = 8
	z := make([]float64, side*side*v.Latent)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	mean := v.DecodeMean(nn.On(t), t.Const(side*side, v.Latent, z)).Value()
	tiles = tiles[:0]
	for i := range side * side {
		tiles = append(tiles, mean[i*mnist.Pixels:][:mnist.Pixels])
	}
	f, err = examplekit.SavePNG(examplekit.ImageGrid(tiles, 28, 28, side, side, 2), cfg.Out, "samples.png")
	if err != nil {
		return nil, err
	}
	files = append(files, f)

	// The latent space: encoder means of the test set, projected on their
	// first two principal axes when the latent space has more than two
	// dimensions, one colour per digit.
	m := min(test.N, 2000)
	xs := make([]float64, m*mnist.Pixels)
	idx = make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	testData.Fill(xs, idx, rng)
	t.Reset()
	mu := v.Encode(nn.On(t), t.Const(m, mnist.Pixels, xs)).Loc.Value()
	proj, axes := project2(mu, m, v.Latent)
	p = examplekit.NewPlot("Test-set latent means by digit", axes[0], axes[1])
	for d := range 10 {
		var pts plotter.XYs
		for i := range m {
			if int(test.Labels[i]) == d {
				pts = append(pts, plotter.XY{X: proj[2*i], Y: proj[2*i+1]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		if err := examplekit.Scatter(p, pts, strconv.Itoa(d), digitColor(d), 2); err != nil {
			return nil, err
		}
	}
	// Room on the right for the legend, clear of the points.
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i := range m {
		xmin, xmax = math.Min(xmin, proj[2*i]), math.Max(xmax, proj[2*i])
	}
	p.X.Min, p.X.Max = xmin, xmax+0.22*(xmax-xmin)
	p.Legend.Left = false
	p.Legend.Top = true
	f, err = examplekit.Save(p, cfg.Out, "latent.png", 6.5, 5)
	if err != nil {
		return nil, err
	}
	files = append(files, f)
	return files, nil
}

// project2 returns the n x 2 coordinates of the n x d rows of x on their
// first two principal axes (d > 2), or x itself (d <= 2), and the axis
// labels.
func project2(x []float64, n, d int) ([]float64, [2]string) {
	out := make([]float64, 2*n)
	if d <= 2 {
		for i := range n {
			out[2*i] = x[i*d]
			if d == 2 {
				out[2*i+1] = x[i*d+1]
			}
		}
		return out, [2]string{"z1", "z2"}
	}
	mean := make([]float64, d)
	for i := range n {
		for j := range d {
			mean[j] += x[i*d+j] / float64(n)
		}
	}
	c := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			c.Set(i, j, x[i*d+j]-mean[j])
		}
	}
	var cov mat.SymDense
	cov.SymOuterK(1/float64(n), c.T())
	var eig mat.EigenSym
	eig.Factorize(&cov, true)
	var vecs mat.Dense
	eig.VectorsTo(&vecs) // ascending eigenvalues: the last two columns
	for i := range n {
		for k := range 2 {
			col := d - 1 - k
			var s float64
			for j := range d {
				s += c.At(i, j) * vecs.At(j, col)
			}
			out[2*i+k] = s
		}
	}
	return out, [2]string{"first principal axis of the latent means", "second principal axis"}
}

// digitColor is a colour per digit: the eight Okabe-Ito colours, grey and
// brown.
func digitColor(d int) color.Color {
	if d < len(examplekit.Palette) {
		return examplekit.Color(d)
	}
	return [...]color.RGBA{{150, 150, 150, 255}, {140, 80, 20, 255}}[d-len(examplekit.Palette)]
}

// parseSizes reads "400" or "512,256".
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-hidden %q: want positive sizes separated by commas", s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}
