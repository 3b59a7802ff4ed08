package mixture

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// ReadCSV reads points from CSV text (gzip-compressed input is detected
// and decompressed): one point per row, all rows of the same length. A
// first row that is not all numbers is taken as the header. It returns
// the points row-major, the dimension and the header (nil if none).
// Errors name the line and column: a ragged row, a field that is not a
// number, NaN or Inf.
func ReadCSV(r io.Reader) (x []float64, dim int, header []string, err error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, 0, nil, fmt.Errorf("mixture: gzip: %w", err)
		}
		defer gz.Close()
		br = bufio.NewReader(gz)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, nil, fmt.Errorf("mixture: csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if !allNumbers(rec) {
				header = append([]string(nil), rec...)
				dim = len(rec)
				continue
			}
		}
		if dim == 0 {
			dim = len(rec)
		}
		if len(rec) != dim {
			return nil, 0, nil, fmt.Errorf("mixture: csv line %d has %d fields, want %d", line, len(rec), dim)
		}
		for j, s := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return nil, 0, nil, fmt.Errorf("mixture: csv line %d column %d: %q is not a number", line, j+1, s)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, 0, nil, fmt.Errorf("mixture: csv line %d column %d: %v, want a finite number", line, j+1, v)
			}
			x = append(x, v)
		}
	}
	if len(x) == 0 {
		return nil, 0, header, errors.New("mixture: csv has no data rows")
	}
	return x, dim, header, nil
}

// ReadCSVFile is ReadCSV of the named file.
func ReadCSVFile(path string) (x []float64, dim int, header []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, nil, err
	}
	defer f.Close()
	x, dim, header, err = ReadCSV(f)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%s: %w", path, err)
	}
	return x, dim, header, nil
}

func allNumbers(rec []string) bool {
	for _, s := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			return false
		}
	}
	return true
}
