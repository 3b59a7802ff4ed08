// Package nn builds neural networks on package ad: fully connected layers
// (Linear) with torch's default initialisation and the Glorot and He
// alternatives, an MLP builder, activations that are each one fused node
// (ReLU, LeakyReLU, ELU, GELU, Tanh, Sigmoid, Softplus), torch-style dotted
// parameter names ("enc.0.weight") and saving and loading of a network's
// state in the safetensors format.
//
// A network owns its weights as ad.Params. Its Forward method records them
// through a Binder: On(tape) for a plain training loop, or a *vi.Program,
// whose Bind method registers the weights in the program's parameter store
// so that vi.Fit optimizes them together with every other parameter. The
// weights are the network's own buffers in both cases: there is one copy,
// and saving the network saves what the fit learned.
//
// Layout follows torch: a Linear layer's weight is Out x In and its output
// is x Wᵀ + b for a batch x with one example per row. Because the names and
// the layout are torch's, a state saved here loads into a torch module with
// safetensors.torch.load_file (after converting F64 to the module's dtype)
// and a torch state saved as F32 or F64 loads here.
//
// Programmer errors (a layer applied to an input with the wrong number of
// columns, sizes that are not positive) panic with a message that starts
// with "nn: "; malformed state files are errors.
package nn
