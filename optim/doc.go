// Package optim holds gradient-based optimizers and step-size schedules
// for ad parameters: SGD (momentum, Nesterov, weight decay), Adam,
// ClippedAdam, RMSProp and Adagrad with torch.optim's update rules and
// defaults, and the ExponentialDecay and ReduceOnPlateau schedules that
// wrap any of them.
//
// An Optimizer keeps per-parameter buffers keyed by the parameter's name,
// so that State and SetState checkpoint and restore a run (vi.Fit does so
// with its checkpoint option). Optimizers know nothing of programs or
// objectives: vi.Fit, models/vae's trainer and any hand-written loop use
// them the same way,
//
//	opt := optim.NewAdam(1e-3)
//	for step := 0; step < n; step++ {
//		// ... record the loss on a tape, Backward ...
//		opt.Step(params)
//	}
package optim
