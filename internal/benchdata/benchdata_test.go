package benchdata

import (
	"compress/gzip"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWeyl(t *testing.T) {
	mu1, s1, mu2, s2 := Weyl(3)
	// i = 1: frac(2√2) = 2√2 - 2, frac(2√3) = 2√3 - 3, frac(2√5) = 2√5 - 4,
	// frac(2√7) = 2√7 - 5.
	assert.InDelta(t, 6*(2*math.Sqrt2-2)-3, mu1[1], 1e-12, "mu1[1]")
	assert.InDelta(t, 0.1+2.9*(2*math.Sqrt(3)-3), s1[1], 1e-12, "s1[1]")
	assert.InDelta(t, 6*(2*math.Sqrt(5)-4)-3, mu2[1], 1e-12, "mu2[1]")
	assert.InDelta(t, 0.1+2.9*(2*math.Sqrt(7)-5), s2[1], 1e-12, "s2[1]")
	for i := range 3 {
		assert.True(t, s1[i] >= 0.1 && s1[i] < 3 && s2[i] >= 0.1 && s2[i] < 3, "scales in [0.1, 3)")
	}
}

func writeGz(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	zw := gzip.NewWriter(f)
	_, err = zw.Write([]byte(text))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())
}

func TestReadCSVGz(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.csv.gz")
	writeGz(t, path, "x0,y\n1.5,0\n-2e-3,1\n")
	header, rows, err := ReadCSVGz(path)
	require.NoError(t, err)
	assert.Equal(t, []string{"x0", "y"}, header)
	assert.Equal(t, [][]float64{{1.5, 0}, {-2e-3, 1}}, rows)

	writeGz(t, path, "x0,y\n1.5,0\n1,zz\n")
	_, _, err = ReadCSVGz(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 3, column y")
}

func TestReadMVNPairsShape(t *testing.T) {
	dir := t.TempDir()
	writeGz(t, filepath.Join(dir, "mvn_pairs.csv.gz"), "a,b\n1,2\n")
	_, err := ReadMVNPairs(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has 2 values, want 2112")
}

func TestReadJSON(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "t.json"), []byte(`{"W": [1, 2.5]}`), 0o644))
	var v struct{ W []float64 }
	require.NoError(t, ReadJSON(dir, "t.json", &v))
	assert.Equal(t, []float64{1, 2.5}, v.W)
	require.Error(t, ReadJSON(dir, "missing.json", &v))
}

func TestDirFromEnv(t *testing.T) {
	t.Setenv(EnvDir, "/some/where")
	assert.Equal(t, "/some/where", Dir())
}
