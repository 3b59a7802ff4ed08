package loss_test

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/loss"
)

// KLDiv follows torch: the model's log-probabilities first, the target
// probabilities second; the default reduction is the mean KL per row.
func ExampleKLDiv() {
	logq := ad.LogSoftmaxCols(ad.Const(2, 3, []float64{1, 2, 3, 0, 0, 0}))
	p := ad.Const(2, 3, []float64{0.1, 0.2, 0.7, 1.0 / 3, 1.0 / 3, 1.0 / 3})
	fmt.Printf("%.6f\n", loss.KLDiv(logq, p, loss.KLDivOptions{}).Value()[0])
	// Output: 0.002894
}

// Distill at T = 4 weighs the soft targets with T² so that alpha keeps its
// meaning at any temperature.
func ExampleDistill() {
	student := ad.Const(2, 3, []float64{2, 0.5, -1, 0, 1, 0.2})
	teacher := ad.Const(2, 3, []float64{3, 0, -2, -1, 2, 0})
	l := loss.Distill(student, teacher, []int{0, 1}, 4, 0.9)
	fmt.Printf("%.6f\n", l.Value()[0])
	// Output: 0.363824
}

// FitTemperature finds the temperature that makes overconfident logits
// calibrated on a validation split.
func ExampleFitTemperature() {
	logits := []float64{4, 0, 0, 0, 4, 0, 0, 0, 4, 4, 0, 0}
	labels := []int{0, 1, 0, 0} // the third prediction is wrong
	T, err := loss.FitTemperature(logits, 3, labels)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("T = %.4f\n", T)
	// Output: T = 2.2324
}

// The k3 estimator of KL(π_old ‖ π_new) from the log-probabilities of
// actions sampled from π_old.
func ExampleSampledKLOldNew() {
	logOld := []float64{-1.2, -0.3, -2.0, -0.9}
	logNew := []float64{-1.0, -0.5, -1.6, -1.1}
	e, _ := loss.SampledKLOldNew(logOld, logNew, loss.K3)
	fmt.Printf("%.5f ± %.5f\n", e.Value, e.StdErr)
	beta := loss.NewAdaptiveKL(1, 0.01).Update(e.Value)
	fmt.Println("beta", beta)
	// Output:
	// 0.03767 ± 0.01806
	// beta 2
}

// KLDivChecked catches probabilities passed where log-probabilities
// belong, the most common misuse of kl_div.
func ExampleKLDivChecked() {
	probs := ad.Const(1, 2, []float64{0.2, 0.8})
	target := ad.Const(1, 2, []float64{0.5, 0.5})
	_, err := loss.KLDivChecked(probs, target, loss.KLDivOptions{})
	fmt.Println(err != nil)
	// Output: true
}

// SmoothKL makes an infinite KL finite and reports what it changed.
func ExampleSmoothKL() {
	p := []float64{0.5, 0.3, 0.2}
	q := []float64{0.6, 0.4, 0} // misses p's third category
	r, err := loss.SmoothKL(p, q, 0.01, loss.Label)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("raw %v, smoothed %.4f, uncovered mass %.2f, moved %.4f\n", r.Raw, r.KL, r.Uncovered, r.Moved)
	// Output: raw +Inf, smoothed 0.6441, uncovered mass 0.20, moved 0.0033
}

// Calibrate gives ECE, MCE and the reliability-diagram bins.
func ExampleCalibrate() {
	logits := []float64{3, 0, 0, 3, 0, 3, 1, 0}
	labels := []int{0, 0, 1, 1}
	c, err := loss.Calibrate(logits, 2, labels, 1, 5)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("accuracy %.2f, ECE %.4f, MCE %.4f\n", c.Accuracy, c.ECE, c.MCE)
	for _, b := range c.Bins {
		if b.Count > 0 {
			fmt.Printf("[%.1f, %.1f): %d predictions, accuracy %.2f, confidence %.4f\n", b.Lo, b.Hi, b.Count, b.Accuracy, b.Confidence)
		}
	}
	// Output:
	// accuracy 0.50, ECE 0.3972, MCE 0.7311
	// [0.6, 0.8): 1 predictions, accuracy 0.00, confidence 0.7311
	// [0.8, 1.0): 3 predictions, accuracy 0.67, confidence 0.9526
}
