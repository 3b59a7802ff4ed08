package vae

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/nn"
)

// Decoder names the likelihood p(x | z).
type Decoder uint8

const (
	// Bernoulli: the decoder outputs logits of independent Bernoulli pixels
	// (binary data).
	Bernoulli Decoder = iota
	// ContinuousBernoulli: logits of the continuous Bernoulli on [0, 1]
	// (gray-level data), with its normalizing constant.
	ContinuousBernoulli
	// Gaussian: the decoder outputs the mean of independent normal pixels
	// with one learned standard deviation shared by all pixels.
	Gaussian
)

// String returns the decoder's name.
func (d Decoder) String() string {
	switch d {
	case Bernoulli:
		return "bernoulli"
	case ContinuousBernoulli:
		return "continuous-bernoulli"
	case Gaussian:
		return "gaussian"
	}
	return fmt.Sprintf("Decoder(%d)", uint8(d))
}

// ParseDecoder returns the decoder named "bernoulli", "continuous-bernoulli"
// (or "cb") or "gaussian".
func ParseDecoder(s string) (Decoder, error) {
	switch s {
	case "bernoulli":
		return Bernoulli, nil
	case "continuous-bernoulli", "cb":
		return ContinuousBernoulli, nil
	case "gaussian":
		return Gaussian, nil
	}
	return 0, fmt.Errorf("vae: decoder %q (want bernoulli, continuous-bernoulli or gaussian)", s)
}

// Config describes a VAE and its training objective. The zero value of a
// field means the SPEC W4 default.
type Config struct {
	Input  int // pixels per example; default 784
	Latent int // latent dimensions; default 20
	// Hidden are the hidden layer sizes of the encoder (the decoder
	// mirrors them). nil means [400]; an empty non-nil slice means none:
	// linear heads and a linear decoder (probabilistic PCA when the
	// decoder is Gaussian).
	Hidden []int
	// Activation between layers; default ReLU.
	Activation nn.Activation
	Decoder    Decoder
	// Beta weights the KL term (beta-VAE); default 1.
	Beta float64
	// WarmUp raises the KL weight linearly from 0 to Beta over this many
	// training steps (0: no warm-up).
	WarmUp int
	// K > 1 trains on the importance-weighted bound with K samples per
	// data point (IWAE) instead of the ELBO.
	K int
}

func (c Config) withDefaults() Config {
	if c.Input == 0 {
		c.Input = 784
	}
	if c.Latent == 0 {
		c.Latent = 20
	}
	if c.Hidden == nil {
		c.Hidden = []int{400}
	}
	if c.Activation.String() == "Identity" {
		c.Activation = nn.ReLU
	}
	if c.Beta == 0 {
		c.Beta = 1
	}
	if c.K < 1 {
		c.K = 1
	}
	return c
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	c = c.withDefaults()
	if c.Input < 1 || c.Latent < 1 {
		return fmt.Errorf("vae: sizes input %d, latent %d", c.Input, c.Latent)
	}
	for i, h := range c.Hidden {
		if h < 1 {
			return fmt.Errorf("vae: hidden size %d is %d", i, h)
		}
	}
	if c.Beta < 0 || math.IsNaN(c.Beta) || math.IsInf(c.Beta, 0) {
		return fmt.Errorf("vae: beta %v", c.Beta)
	}
	if c.WarmUp < 0 {
		return fmt.Errorf("vae: warm-up %d", c.WarmUp)
	}
	if c.Decoder > Gaussian {
		return fmt.Errorf("vae: decoder %d", c.Decoder)
	}
	return nil
}

// VAE holds the networks. Parameter names follow the torch peer of SPEC
// W4 where it has them: enc.* (the shared encoder trunk, an nn.Sequential
// ending in the activation), enc_mu, enc_logvar (the heads), dec.* (the
// decoder MLP, logits or means out), dec_logscale (Gaussian decoder only).
type VAE struct {
	Config
	Enc      *nn.Sequential
	Mu       *nn.Linear
	LogVar   *nn.Linear
	Dec      *nn.Sequential
	LogScale *ad.Param // Gaussian decoder: log of the pixel standard deviation, 1x1
	params   []*ad.Param
	prior    dist.Normal
	zeroL    []float64
	oneL     []float64
}

// New builds a VAE with weights initialised from rng (torch's nn.Linear
// default), or returns the error of Config.Validate.
func New(cfg Config, rng *rand.Rand) (*VAE, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := cfg.withDefaults()
	v := &VAE{Config: c}
	h := c.Input
	v.Enc = &nn.Sequential{Name: "enc"}
	if len(c.Hidden) > 0 {
		sizes := append([]int{c.Input}, c.Hidden...)
		v.Enc = nn.NewMLP("enc", sizes, c.Activation, rng)
		v.Enc.Modules = append(v.Enc.Modules, c.Activation)
		h = c.Hidden[len(c.Hidden)-1]
	}
	v.Mu = nn.NewLinear("enc_mu", h, c.Latent, rng)
	v.LogVar = nn.NewLinear("enc_logvar", h, c.Latent, rng)
	dsz := []int{c.Latent}
	for i := len(c.Hidden) - 1; i >= 0; i-- {
		dsz = append(dsz, c.Hidden[i])
	}
	dsz = append(dsz, c.Input)
	v.Dec = nn.NewMLP("dec", dsz, c.Activation, rng)
	v.params = append(v.params, v.Enc.Params()...)
	v.params = append(v.params, v.Mu.Params()...)
	v.params = append(v.params, v.LogVar.Params()...)
	v.params = append(v.params, v.Dec.Params()...)
	if c.Decoder == Gaussian {
		v.LogScale = ad.NewParam("dec_logscale", 1, 1, []float64{math.Log(0.2)})
		v.params = append(v.params, v.LogScale)
	}
	v.zeroL = make([]float64, c.Latent)
	v.oneL = make([]float64, c.Latent)
	for i := range v.oneL {
		v.oneL[i] = 1
	}
	v.prior = dist.Normal{Loc: ad.Row(v.zeroL), Scale: ad.Row(v.oneL)}
	return v, nil
}

// Params returns every trainable parameter, in a fixed order.
func (v *VAE) Params() []*ad.Param { return v.params }

// Prior returns N(0, I) as a 1 x Latent normal.
func (v *VAE) Prior() dist.Normal { return v.prior }

// Encode returns q(z | x) = N(mu, exp(logvar/2)) for a B x Input batch.
func (v *VAE) Encode(b nn.Binder, x ad.Var) dist.Normal {
	h := v.Enc.Forward(b, x)
	mu := v.Mu.Forward(b, h)
	logvar := v.LogVar.Forward(b, h)
	return dist.Normal{Loc: mu, Scale: ad.Exp(ad.Scale(logvar, 0.5))}
}

// Likelihood returns p(x | z) for an R x Latent batch of codes: the
// decoder's output as Bernoulli or continuous-Bernoulli logits, or as a
// Gaussian mean.
func (v *VAE) Likelihood(b nn.Binder, z ad.Var) dist.Distribution {
	out := v.Dec.Forward(b, z)
	switch v.Decoder {
	case ContinuousBernoulli:
		return dist.ContinuousBernoulli{Logits: out}
	case Gaussian:
		return dist.Normal{Loc: out, Scale: ad.Exp(b.Bind(v.LogScale))}
	}
	return dist.Bernoulli{Logits: out}
}

// logLik is Likelihood(b, z).LogProb(x) without boxing the likelihood
// in an interface (one allocation per training step fewer).
func (v *VAE) logLik(b nn.Binder, z, x ad.Var) ad.Var {
	out := v.Dec.Forward(b, z)
	switch v.Decoder {
	case ContinuousBernoulli:
		return dist.ContinuousBernoulli{Logits: out}.LogProb(x)
	case Gaussian:
		return dist.Normal{Loc: out, Scale: ad.Exp(b.Bind(v.LogScale))}.LogProb(x)
	}
	return dist.Bernoulli{Logits: out}.LogProb(x)
}

// DecodeMean returns the mean of p(x | z) (pixel probabilities for the
// Bernoulli decoder), R x Input, for pictures.
func (v *VAE) DecodeMean(b nn.Binder, z ad.Var) ad.Var {
	out := v.Dec.Forward(b, z)
	switch v.Decoder {
	case Gaussian:
		return out
	case ContinuousBernoulli:
		return dist.ContinuousBernoulli{Logits: out}.Mean()
	}
	return ad.Sigmoid(out)
}

// betaAt is the KL weight after step training steps.
func (v *VAE) betaAt(step int) float64 {
	if v.WarmUp > 0 && step < v.WarmUp {
		return v.Beta * float64(step) / float64(v.WarmUp)
	}
	return v.Beta
}

// Objective records the training objective for a B x Input batch x and
// returns the per-image terms, each B x 1: obj is what training maximizes
// (the ELBO with the KL weighted by beta, or the IWAE-K bound), elbo the
// unweighted ELBO (or the IWAE bound when K > 1) and kl the KL part
// (closed form; zero Var for IWAE). Noise comes from rng.
func (v *VAE) Objective(b nn.Binder, x ad.Var, rng *rand.Rand, beta float64) (obj, elbo, kl ad.Var) {
	return v.objective(b, x, rng, beta, v.K)
}

// objective is Objective with k importance samples (k <= 1: the ELBO);
// it reads no mutable field of v, so evaluations may run concurrently.
func (v *VAE) objective(b nn.Binder, x ad.Var, rng *rand.Rand, beta float64, k int) (obj, elbo, kl ad.Var) {
	q := v.Encode(b, x)
	if k <= 1 {
		z := q.Rsample(rng, 1)
		ll := v.logLik(b, z, x)
		klv, err := dist.KLOf(q, v.prior)
		if err != nil {
			panic("vae: " + err.Error()) // Normal-Normal is registered
		}
		elbo = ad.Sub(ll, klv)
		obj = elbo
		if beta != 1 {
			obj = ad.Sub(ll, ad.Scale(klv, beta))
		}
		return obj, elbo, klv
	}
	// IWAE: K particles tile the batch (row k*B+b is particle k of image
	// b); log w = log p(x|z) + log p(z) - log q(z|x), and the bound per
	// image is log (1/K) Σ_k w_k.
	bsz := x.Rows()
	z := q.Rsample(rng, k)
	ll := v.logLik(b, z, x)
	lr := ad.Sub(v.prior.LogProb(z), q.LogProb(z))
	bound := func(lw ad.Var) ad.Var {
		return ad.Shift(ad.LogSumExpCols(ad.Transpose(ad.Reshape(lw, k, bsz))), -math.Log(float64(k)))
	}
	elbo = bound(ad.Add(ll, lr))
	obj = elbo
	if beta != 1 {
		obj = bound(ad.Add(ll, ad.Scale(lr, beta)))
	}
	return obj, elbo, ad.Var{}
}
