package vae

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/vi"
)

// batchRows places this step's minibatch of data on the program's tape.
// Without subsampling it uses every example in order.
func batchRows(p *vi.Program, pl *vi.Plate, data Data) ad.Var {
	idx := pl.Indices()
	if idx == nil {
		idx = make([]int, data.Len())
		for i := range idx {
			idx[i] = i
		}
	}
	buf := p.Tape().Buffer(len(idx) * data.Dim())
	// The guide and the model must see the same values: Fill gets no
	// random source here (dynamic binarization needs the Trainer).
	data.Fill(buf, idx, nil)
	return p.Const(len(idx), data.Dim(), buf)
}

// Model returns the generative model as a vi program: inside the plate
// "data" of data.Len() examples subsampled to batch (batch <= 0: all),
// z ~ N(0, I) (site "z", Latent columns) and x ~ p(x | z) (site "x"),
// with the decoder's weights bound through the program. With K particles
// the codes are K*B rows and the batch tiles against them. data must be
// deterministic (no dynamic binarization).
func (v *VAE) Model(data Data, batch int) vi.Model {
	v.checkData(data)
	return func(p *vi.Program) {
		pl := p.Plate("data", data.Len(), batch)
		x := batchRows(p, pl, data)
		z := pl.Sample("z", v.prior)
		pl.Observe("x", v.Likelihood(p, z), x)
	}
}

// Guide returns the amortized guide q(z | x) = N(mu(x), exp(logvar(x)/2))
// as a vi program over the same plate: the encoder's weights are bound
// through the program, so vi.Fit trains them with the decoder's. With
// elbo.MeanField the KL of site "z" takes the closed form.
func (v *VAE) Guide(data Data, batch int) vi.GuideFunc {
	v.checkData(data)
	return func(p *vi.Program) {
		pl := p.Plate("data", data.Len(), batch)
		x := batchRows(p, pl, data)
		pl.Sample("z", v.Encode(p, x))
	}
}

func (v *VAE) checkData(data Data) {
	if data.Dim() != v.Input {
		panic(fmt.Sprintf("vae: data has %d values per example, the VAE takes %d", data.Dim(), v.Input))
	}
}
