package examplekit

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Summary collects the numbers an example prints, so that they can be
// written to summary.json and checked by the example's test.
type Summary struct {
	Example string         `json:"example"`
	Quick   bool           `json:"quick"`
	Seed    uint64         `json:"seed"`
	Values  map[string]any `json:"values"`
	Files   []string       `json:"files,omitempty"`
}

// NewSummary returns an empty summary for the example called name.
func NewSummary(name string, cfg Config) *Summary {
	return &Summary{Example: name, Quick: cfg.Quick, Seed: cfg.Seed, Values: map[string]any{}}
}

// Set records a value under key (a number, string, bool, slice or map that
// encoding/json can write). Non-finite float64 values are written as strings
// ("+Inf", "-Inf", "NaN") because JSON has no such numbers.
func (s *Summary) Set(key string, v any) {
	s.Values[key] = jsonSafe(v)
}

// AddFile records a file the example wrote (a path relative to the output
// folder reads best).
func (s *Summary) AddFile(path string) {
	s.Files = append(s.Files, path)
}

// Save writes the summary as dir/summary.json, keys sorted, indented.
func (s *Summary) Save(dir string) error {
	sort.Strings(s.Files)
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("examplekit: summary of %s: %w", s.Example, err)
	}
	return os.WriteFile(filepath.Join(dir, "summary.json"), append(b, '\n'), 0o644)
}

// LoadSummary reads dir/summary.json (tests use it).
func LoadSummary(dir string) (*Summary, error) {
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return nil, err
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("examplekit: %s: %w", filepath.Join(dir, "summary.json"), err)
	}
	return &s, nil
}

// Float returns the value under key as a float64 and whether it is a number.
func (s *Summary) Float(key string) (float64, bool) {
	switch v := s.Values[key].(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	}
	return 0, false
}

// Floats returns the list of numbers under key (a []float64 set before
// Save, a JSON array after LoadSummary) and whether it is one.
func (s *Summary) Floats(key string) ([]float64, bool) {
	switch v := s.Values[key].(type) {
	case []float64:
		return v, true
	case []any:
		out := make([]float64, len(v))
		for i, x := range v {
			f, ok := x.(float64)
			if !ok {
				return nil, false
			}
			out[i] = f
		}
		return out, true
	}
	return nil, false
}

func jsonSafe(v any) any {
	switch x := v.(type) {
	case float64:
		return safeFloat(x)
	case []float64:
		out := make([]any, len(x))
		for i, f := range x {
			out[i] = safeFloat(f)
		}
		return out
	case map[string]float64:
		out := make(map[string]any, len(x))
		for k, f := range x {
			out[k] = safeFloat(f)
		}
		return out
	}
	return v
}

func safeFloat(f float64) any {
	switch {
	case f != f:
		return "NaN"
	case f > 1.7976931348623157e308:
		return "+Inf"
	case f < -1.7976931348623157e308:
		return "-Inf"
	}
	return f
}
