// Package elbo provides variational objectives for vi.Fit.
//
// Every objective runs the guide and the model through a vi.Env and
// records a loss (the negative of the bound) on the tape:
//
//   - Trace: the evidence lower bound E_q[log p(x, z) - log q(z)] estimated
//     with reparameterized particles (score-function terms with
//     leave-one-out baselines for sites that cannot be reparameterized).
//   - MeanField: the same bound with the closed-form KL(q || p) of each
//     latent site whose (guide, prior) pair is registered in dist, and a
//     Monte Carlo term otherwise; StepStats.Paths says which path each site
//     took.
//   - IWAE: the importance-weighted bound of Burda, Grosse and
//     Salakhutdinov (2016) with K particles.
//   - Renyi: the Rényi-α bound of Li and Turner (2016).
//   - ForwardKL: the inclusive KL(p || q), by self-normalized importance
//     sampling with draws from q, or from draws of the target.
//   - TraceEnum: the ELBO with discrete sites summed out exactly: the
//     guide's discrete sites outside plates jointly (every combination,
//     weighted by q), and the model's discrete sites inside a plate that
//     the guide leaves out (mixture assignments) in parallel, K values
//     broadcast over the plate and a log-sum-exp per plate element
//     (Obermeyer et al. 2019), at the cost of K plate passes.
//
// Trace and MeanField take a KL weight (Beta) and a linear warm-up, and
// sticking-the-landing gradients (Roeder, Wu and Duvenaud 2017).
//
// Particles: for models whose latent variables are all global, the S
// particles are the S rows of every latent site and one matrix product
// serves them all. Inside a data plate, rows are data points and the K
// particles of IWAE tile the batch (K*B rows).
package elbo
