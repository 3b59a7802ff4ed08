package loss

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
)

// Distill returns the knowledge-distillation loss of Hinton, Vinyals and
// Dean (2015, "Distilling the knowledge in a neural network"):
//
//	alpha · T² · KL(softmax(teacher/T) ‖ softmax(student/T))  (batch mean)
//	+ (1 − alpha) · CE(student, labels)                         (mean over rows)
//
// student and teacher are R x C logits, labels the R hard labels (nil
// when alpha = 1: no hard term). The soft term's gradient in the student
// logits is (q_T − p_T)/T per row, which shrinks as 1/T; the factor T²
// keeps its size comparable to the hard term's as T changes, so alpha
// means the same thing at every temperature (TestDistillT2). The teacher is
// detached: no gradient flows into it. It panics (a programmer error) if T
// <= 0, alpha is outside [0, 1], the shapes differ or the labels do not
// fit.
func Distill(student, teacher ad.Var, labels []int, T, alpha float64) ad.Var {
	if !(T > 0) || math.IsInf(T, 0) {
		panic(fmt.Sprintf("loss: Distill: temperature %v, want a finite value > 0", T))
	}
	if !(alpha >= 0 && alpha <= 1) {
		panic(fmt.Sprintf("loss: Distill: alpha %v outside [0, 1]", alpha))
	}
	soft := KLDivLogits(ad.Scale(student, 1/T), ad.Scale(ad.Detach(teacher), 1/T), KLDivOptions{})
	loss := ad.Scale(soft, alpha*T*T)
	if alpha < 1 {
		if labels == nil {
			panic("loss: Distill: nil labels with alpha < 1")
		}
		loss = ad.Add(loss, ad.Scale(CrossEntropy(student, labels, CEOptions{}), 1-alpha))
	}
	return loss
}
