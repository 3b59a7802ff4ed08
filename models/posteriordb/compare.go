package posteriordb

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/kldiv/kldiv/vi"
)

// Comparison compares a fitted approximation with the reference posterior
// for one parameter.
type Comparison struct {
	// Name is the reference name, e.g. "theta[1]".
	Name string
	// Mean and SD summarize the fit's draws; NaN when the fit does not
	// report the parameter.
	Mean, SD float64
	// RefMean and RefSD are the reference posterior's mean and sd.
	RefMean, RefSD float64
	// MeanErr is |Mean - RefMean| / RefSD: the error of the mean in
	// reference standard deviations.
	MeanErr float64
	// SDRatio is SD / RefSD.
	SDRatio float64
}

// Within reports whether the mean is within meanTol reference sds of the
// reference mean and the sd within a relative sdTol of the reference sd
// (|SD/RefSD - 1| <= sdTol; pass math.Inf(1) to check means only). A
// parameter the fit does not report is never within.
func (c Comparison) Within(meanTol, sdTol float64) bool {
	return c.MeanErr <= meanTol && math.Abs(c.SDRatio-1) <= sdTol
}

// Compare compares the draws of a fit of p.Model with p's reference
// summaries: one row per reference parameter, in the reference's order.
// The fit's summaries (vi.Result.Summaries) label element j of a
// multi-column site "name[j]" from 0; the reference counts from 1, so fit
// label "theta[0]" is reference "theta[1]".
func Compare(p *Posterior, res *vi.Result) []Comparison {
	return CompareSummaries(p, res.Summaries())
}

// CompareSummaries is Compare for summaries in vi's 0-based labelling,
// from any source.
func CompareSummaries(p *Posterior, sums []vi.SiteSummary) []Comparison {
	byName := map[string]vi.SiteSummary{}
	for _, s := range sums {
		byName[refLabel(s.Name)] = s
	}
	out := make([]Comparison, len(p.Reference))
	for i, r := range p.Reference {
		c := Comparison{Name: r.Name, RefMean: r.Mean, RefSD: r.SD, Mean: math.NaN(), SD: math.NaN()}
		if s, ok := byName[r.Name]; ok {
			c.Mean, c.SD = s.Mean, s.SD
		}
		c.MeanErr = math.Abs(c.Mean-c.RefMean) / c.RefSD
		c.SDRatio = c.SD / c.RefSD
		out[i] = c
	}
	return out
}

// Worst returns the largest MeanErr and the largest |SDRatio - 1| of the
// rows (NaN if any row is missing from the fit).
func Worst(rows []Comparison) (meanErr, sdErr float64) {
	for _, c := range rows {
		if math.IsNaN(c.MeanErr) || math.IsNaN(c.SDRatio) {
			return math.NaN(), math.NaN()
		}
		meanErr = math.Max(meanErr, c.MeanErr)
		sdErr = math.Max(sdErr, math.Abs(c.SDRatio-1))
	}
	return meanErr, sdErr
}

var zeroBased = regexp.MustCompile(`^(.*)\[(\d+)\]$`)

// refLabel turns vi's 0-based label "name[j]" into the reference's
// "name[j+1]"; labels without an index are unchanged.
func refLabel(label string) string {
	m := zeroBased.FindStringSubmatch(label)
	if m == nil {
		return label
	}
	j, err := strconv.Atoi(m[2])
	if err != nil {
		return label
	}
	return fmt.Sprintf("%s[%d]", m[1], j+1)
}

// Table formats comparison rows as a text table with a last line giving
// the worst mean error and sd ratio.
func Table(rows []Comparison) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s %11s %11s %10s %10s %9s %8s\n", "parameter", "mean", "ref mean", "sd", "ref sd", "|Δ|/sd", "sd/ref")
	for _, c := range rows {
		fmt.Fprintf(&b, "%-14s %11.4g %11.4g %10.4g %10.4g %9.3f %8.3f\n", c.Name, c.Mean, c.RefMean, c.SD, c.RefSD, c.MeanErr, c.SDRatio)
	}
	m, s := Worst(rows)
	fmt.Fprintf(&b, "worst |Δmean|/sd %.3f, worst |sd/ref - 1| %.3f\n", m, s)
	return b.String()
}
