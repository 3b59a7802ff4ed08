// Package vae is the variational autoencoder (Kingma and Welling 2014,
// Rezende et al. 2014) on package nn: an MLP encoder that outputs the mean
// and log-variance of a diagonal-normal q(z | x), a standard-normal prior
// and an MLP decoder whose outputs parameterize p(x | z) (Bernoulli or
// continuous-Bernoulli logits, or a Gaussian mean).
//
// The defaults are ../shared/bench/SPEC.md workload W4: 784-400-20 with
// ReLU, Bernoulli decoder on logits, closed-form Normal-Normal KL (through
// the dist registry), Adam 1e-3, batches of 128, torch's nn.Linear
// initialisation. Options: latent and hidden sizes, beta (beta-VAE,
// Higgins et al. 2017) and linear KL warm-up (Bowman et al. 2016), the
// IWAE-k training objective (Burda, Grosse and Salakhutdinov 2016), the
// continuous-Bernoulli (Loaiza-Ganem and Cunningham 2019) or Gaussian
// decoder.
//
// Two ways to train, with the same networks and the same loss:
//   - Model and Guide are vi programs (a subsampled data plate, the local
//     latent z, the networks' weights bound through vi.Program.Bind) that
//     vi.Fit trains with elbo.MeanField (or elbo.IWAE): the VAE as one
//     more probabilistic program.
//   - Trainer is a dedicated loop over the same computation on one tape,
//     with no per-step allocation after warm-up; it is what the example and
//     `kldiv bench W4` use, because vi.Fit's bookkeeping (traces, site
//     checks, statistics) costs time at this scale.
//
// Evaluation follows Burda et al. (2016): TestELBO is the mean per-image
// ELBO with one sample and the closed-form KL; IWAE estimates -log p(x)
// with k importance samples from the encoder (k = 5000 in the papers),
// chunked, with a log-sum-exp per image. Both run on the CPU's cores with
// results that do not depend on GOMAXPROCS.
package vae
