// Package loss provides training losses built on KL divergences:
// torch-compatible KLDiv, distillation with temperature, temperature
// calibration and policy KL.
package loss
