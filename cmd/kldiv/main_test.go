package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageAndUnknownCommand(t *testing.T) {
	code, _, errs := runCmd()
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "usage: kldiv")
	code, _, errs = runCmd("frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, `unknown command "frobnicate"`)
	code, out, _ := runCmd("help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "demo")
}

// TestDemo runs the whole demo: it must succeed, write its plot, and its
// numbers must be right (the fits near their exact optima, the Monte Carlo
// estimates within 4 standard errors of the closed forms).
func TestDemo(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "dirs.png")
	code, out, errs := runCmd("demo", "--plot", plot)
	require.Equal(t, 0, code, errs)
	st, err := os.Stat(plot)
	require.NoError(t, err)
	assert.Greater(t, st.Size(), int64(1000), "plot written")
	for _, want := range []string{"closed form against Monte Carlo", "mode seeking", "Eight schools", "mu:analytic", "tau:monte-carlo", "k-hat"} {
		assert.Contains(t, out, want)
	}
	// z scores of the Monte Carlo column.
	zs := regexp.MustCompile(`± +[0-9.]+ +([+-][0-9.]+)\n`).FindAllStringSubmatch(out, -1)
	require.GreaterOrEqual(t, len(zs), 4)
	for _, z := range zs {
		v, err := strconv.ParseFloat(z[1], 64)
		require.NoError(t, err)
		assert.Less(t, abs(v), 4.0, "Monte Carlo within 4 se of the closed form")
	}
	rev := regexp.MustCompile(`reverse KL \(mode seeking\) +(-?[0-9.]+) +([0-9.]+)`).FindStringSubmatch(out)
	require.Len(t, rev, 3)
	m, _ := strconv.ParseFloat(rev[1], 64)
	s, _ := strconv.ParseFloat(rev[2], 64)
	assert.InEpsilon(t, 2.98431, abs(m), 0.01, "reverse m")
	assert.InEpsilon(t, 1.02337, s, 0.01, "reverse s")
	assert.True(t, strings.Contains(out, "Done in"))
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
