// Package reparam provides pathwise (reparameterized) samplers on ad values:
// location-scale and inverse-CDF transforms, implicit reparameterization
// gradients for Gamma and the families built on it, and Concrete /
// Gumbel-softmax relaxations.
package reparam
