package loss

import "fmt"

// Reduction says how a loss combines its element-wise (or per-row) terms,
// as the reduction argument of torch.nn.functional does. The zero value is
// BatchMean.
type Reduction uint8

const (
	// BatchMean divides the sum of all terms by the number of rows (the
	// batch size). For KLDiv it is the mean KL divergence per example, the
	// value that is a KL divergence; it is the default.
	BatchMean Reduction = iota
	// Sum adds every term.
	Sum
	// Mean divides the sum of all terms by their number, rows × columns,
	// as torch's reduction='mean' does. For KLDiv this is the KL per
	// example divided by the number of classes: not a KL divergence.
	// For losses with one term per row (cross-entropy) Mean equals
	// BatchMean.
	Mean
	// None keeps every term: the loss has the terms' shape.
	None
)

// String returns the torch name of r: "batchmean", "sum", "mean" or
// "none".
func (r Reduction) String() string {
	switch r {
	case BatchMean:
		return "batchmean"
	case Sum:
		return "sum"
	case Mean:
		return "mean"
	case None:
		return "none"
	}
	return fmt.Sprintf("Reduction(%d)", int(r))
}

// scale returns the factor that turns the sum of terms into the reduced
// value for rows × cols terms.
func (r Reduction) scale(rows, cols int) float64 {
	switch r {
	case BatchMean:
		return 1 / float64(rows)
	case Mean:
		return 1 / float64(rows*cols)
	case Sum, None:
		return 1
	}
	panic(fmt.Sprintf("loss: unknown %v", r))
}
