package benchdata

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// EnvDir is the environment variable that names the data folder.
const EnvDir = "KLDIV_BENCH_DATA"

// Dir returns the folder of the benchmark data: $KLDIV_BENCH_DATA if set,
// else the first folder shared/bench/data found beside the working
// directory or one of its parents (the repository's ../shared), else "".
func Dir() string {
	if d := os.Getenv(EnvDir); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; {
		d := filepath.Join(dir, "shared", "bench", "data")
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// ReadCSVGz reads a gzip-compressed CSV file with a header row and returns
// the header and the rows as numbers. Errors name the file, the line and
// the column.
func ReadCSVGz(path string) ([]string, [][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	r := csv.NewReader(gz)
	header, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: header: %w", path, err)
	}
	var rows [][]float64
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: line %d: %w", path, line, err)
		}
		row := make([]float64, len(rec))
		for i, s := range rec {
			if row[i], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, nil, fmt.Errorf("%s: line %d, column %s: %w", path, line, header[i], err)
			}
		}
		rows = append(rows, row)
	}
	return header, rows, nil
}

// ReadJSON decodes the JSON file name of the data folder dir into v.
func ReadJSON(dir, name string, v any) error {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// MVNPairsDim is the dimension of W2's normals.
const MVNPairsDim = 32

// MVNPairs holds W2's batch of N pairs of D-dimensional normals
// N(M1, S1), N(M2, S2), row-major: M1 and M2 are N x D, S1 and S2 are
// N x (D*D) (one covariance matrix a row).
type MVNPairs struct {
	N, D           int
	M1, S1, M2, S2 []float64
}

// ReadMVNPairs reads mvn_pairs.csv.gz from the data folder dir.
func ReadMVNPairs(dir string) (MVNPairs, error) {
	_, rows, err := ReadCSVGz(filepath.Join(dir, "mvn_pairs.csv.gz"))
	if err != nil {
		return MVNPairs{}, err
	}
	const d = MVNPairsDim
	b := len(rows)
	if b == 0 {
		return MVNPairs{}, fmt.Errorf("mvn_pairs.csv.gz: no rows")
	}
	w := MVNPairs{N: b, D: d,
		M1: make([]float64, 0, b*d), S1: make([]float64, 0, b*d*d),
		M2: make([]float64, 0, b*d), S2: make([]float64, 0, b*d*d)}
	for i, r := range rows {
		if len(r) != 2*(d+d*d) {
			return MVNPairs{}, fmt.Errorf("mvn_pairs.csv.gz: row %d has %d values, want %d", i+1, len(r), 2*(d+d*d))
		}
		w.M1 = append(w.M1, r[:d]...)
		w.S1 = append(w.S1, r[d:d+d*d]...)
		w.M2 = append(w.M2, r[d+d*d:2*d+d*d]...)
		w.S2 = append(w.S2, r[2*d+d*d:]...)
	}
	return w, nil
}

// Weyl returns W1's parameters for n pairs: u_k(i) = frac((i+1) a_k) with
// a_k = √2, √3, √5, √7 (float64 square roots, frac(x) = x - floor(x));
// mu1 = 6u1-3, s1 = 0.1+2.9u2, mu2 = 6u3-3, s2 = 0.1+2.9u4. The values
// are bit-identical to the peer's.
func Weyl(n int) (mu1, s1, mu2, s2 []float64) {
	a := [4]float64{math.Sqrt(2), math.Sqrt(3), math.Sqrt(5), math.Sqrt(7)}
	frac := func(i, k int) float64 {
		x := float64(i+1) * a[k]
		return x - math.Floor(x)
	}
	mu1, s1, mu2, s2 = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		mu1[i] = 6*frac(i, 0) - 3
		s1[i] = 0.1 + 2.9*frac(i, 1)
		mu2[i] = 6*frac(i, 2) - 3
		s2[i] = 0.1 + 2.9*frac(i, 3)
	}
	return
}
