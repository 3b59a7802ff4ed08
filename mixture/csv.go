package mixture

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// ReadCSV reads points from comma-separated text: one point per line, the
// same number of numeric fields on every line, and an optional header line
// (a first line with a field that is not a number) whose names it returns.
// Blank lines are skipped. It returns the points row-major with their
// dimension, or an error naming the line: a ragged row, a field that is not
// a number, a NaN or infinite value, or no data.
func ReadCSV(r io.Reader) (x []float64, d int, header []string, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields := strings.Split(text, ",")
		if d == 0 && header == nil && x == nil {
			if _, err := strconv.ParseFloat(strings.TrimSpace(fields[0]), 64); err != nil {
				header = make([]string, len(fields))
				for i, f := range fields {
					header[i] = strings.TrimSpace(f)
				}
				d = len(fields)
				continue
			}
		}
		if d == 0 {
			d = len(fields)
		}
		if len(fields) != d {
			return nil, 0, nil, fmt.Errorf("mixture: CSV line %d: %d fields, want %d like the lines before", line, len(fields), d)
		}
		for i, f := range fields {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return nil, 0, nil, fmt.Errorf("mixture: CSV line %d, field %d: %q is not a number", line, i+1, f)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, 0, nil, fmt.Errorf("mixture: CSV line %d, field %d: %v, want a finite number", line, i+1, v)
			}
			x = append(x, v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, 0, nil, fmt.Errorf("mixture: CSV line %d: %w", line+1, err)
	}
	if len(x) == 0 {
		return nil, 0, nil, fmt.Errorf("mixture: CSV has no data lines")
	}
	return x, d, header, nil
}

// ReadCSVFile reads a CSV file as ReadCSV does, gunzipping it when its name
// ends in .gz.
func ReadCSVFile(path string) (x []float64, d int, header []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("mixture: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, 0, nil, fmt.Errorf("mixture: %s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	x, d, header, err = ReadCSV(r)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return x, d, header, nil
}
