// Package loss holds KL divergence as a training signal, done right by
// construction, on the ad tape and on plain slices:
//
//   - KLDiv is torch.nn.functional.kl_div exactly (input log-probabilities,
//     target probabilities or log-probabilities, reductions none, sum, mean
//     and batchmean, batchmean the default because it is the mean KL per
//     example); KLDivChecked reports probabilities passed as input, and
//     KLDivLogits takes logits on both sides and cannot be misused.
//   - CrossEntropy (hard labels, label smoothing), CrossEntropySoft,
//     BCEWithLogits and Entropy, with H(P, Q) = H(P) + KL(P ‖ Q).
//   - KL, JS and SymmetricKL between categorical rows given by logits, and
//     Smooth/SmoothKL for support mismatch (they report how much the
//     smoothing moved the divergence).
//   - Distill: Hinton et al.'s distillation loss with the T² factor.
//   - Calibration: FitTemperature (Guo et al. 2017), FitVectorScaling,
//     and Calibrate for ECE, MCE and the reliability-diagram bins.
//   - Policy KL for reinforcement learning, direction in the name:
//     PolicyKLOldNew, GaussianPolicyKLOldNew, the k1/k2/k3 sampled
//     estimators (Schulman 2020) with standard errors, PPO's AdaptiveKL
//     coefficient and the KLStop early-stopping monitor.
//
// Functions on ad.Var record one fused node where they can; their
// gradients are checked against finite differences in the tests, and their
// values against torch (testdata/torch_reference.py).
package loss
