package examplekit

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Bar is a one-line terminal progress bar with a rate and an ETA. A Bar with
// a nil writer does nothing, so code can call it unconditionally. A Bar is
// used by one goroutine.
type Bar struct {
	w       io.Writer
	label   string
	total   int
	done    int
	start   time.Time
	last    time.Time
	suffix  string
	drawnAt int
}

// NewBar returns a bar for total units of work written to w (nil: silent).
func NewBar(w io.Writer, label string, total int) *Bar {
	now := time.Now()
	return &Bar{w: w, label: label, total: max(total, 1), start: now, drawnAt: -1}
}

// Add advances the bar by n units.
func (b *Bar) Add(n int) { b.Set(b.done + n) }

// Set moves the bar to done units and redraws it at most ten times a second.
func (b *Bar) Set(done int) {
	b.done = min(done, b.total)
	if b.w == nil {
		return
	}
	now := time.Now()
	if b.done < b.total && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	b.draw(now)
}

// Describe sets a short text shown after the bar (for example the current
// loss); it appears at the next redraw.
func (b *Bar) Describe(format string, args ...any) {
	b.suffix = fmt.Sprintf(format, args...)
}

// Finish draws the bar full and ends its line.
func (b *Bar) Finish() {
	if b.w == nil {
		return
	}
	b.done = b.total
	b.draw(time.Now())
	fmt.Fprintln(b.w)
	b.w = nil
}

func (b *Bar) draw(now time.Time) {
	const width = 30
	frac := float64(b.done) / float64(b.total)
	n := int(frac * width)
	elapsed := now.Sub(b.start)
	eta := "?"
	if b.done > 0 {
		rem := time.Duration(float64(elapsed) * (1 - frac) / frac)
		eta = rem.Round(time.Second).String()
	}
	fmt.Fprintf(b.w, "\r%s [%s%s] %3.0f%% %d/%d  %s elapsed, ETA %s  %s\x1b[K",
		b.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), 100*frac,
		b.done, b.total, elapsed.Round(time.Second), eta, b.suffix)
}

// isTerminal reports whether f is a character device (a terminal), without
// a dependency on golang.org/x/term.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&os.ModeCharDevice != 0
}
