package vi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// The parameter file format written by SaveParams and read by ReadParams
// is a JSON object:
//
//	{
//	  "format": "kldiv.params",
//	  "version": 1,
//	  "params": [
//	    {"name": "auto.loc", "rows": 1, "cols": 3, "values": [0.12, -1.5, 2]},
//	    ...
//	  ]
//	}
//
// with one entry per parameter of the store, in creation order. Values are
// the parameter's unconstrained values (what the optimizer updates), rows x
// cols of them, row-major, written in the shortest decimal form that reads
// back to the same float64 (encoding/json's), so a save and a load round-trip
// bit for bit. Names are unique and non-empty; every value is finite. Unlike
// a checkpoint (Checkpoint, Resume), the file holds no optimizer state, random
// state or plate positions: it is a fitted guide, for drawing from later.
const (
	paramsFormat  = "kldiv.params"
	paramsVersion = 1
	// maxSavedValues bounds the values of one parameter in a file (2^28,
	// 2 GiB of float64), so that a corrupt header cannot ask for more.
	maxSavedValues = 1 << 28
)

// SavedParam is one parameter of a parameter file: its name, the shape of
// its unconstrained value and the values, row-major.
type SavedParam struct {
	Name       string
	Rows, Cols int
	Values     []float64
}

type savedParamJSON struct {
	Name   string    `json:"name"`
	Rows   int       `json:"rows"`
	Cols   int       `json:"cols"`
	Values []float64 `json:"values"`
}

type paramsFile struct {
	Format  string           `json:"format"`
	Version int              `json:"version"`
	Params  []savedParamJSON `json:"params"`
}

// SaveParams writes the unconstrained values of every parameter of store to
// path in the format above, atomically (a temporary file in the same folder,
// then a rename). It returns an error naming the parameter if a value is not
// finite.
func SaveParams(path string, store *ParamStore) error {
	f := paramsFile{Format: paramsFormat, Version: paramsVersion, Params: []savedParamJSON{}}
	for _, sp := range store.List() {
		for i, v := range sp.Raw.Val {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("vi: SaveParams: parameter %q value %d is %v", sp.Name, i, v)
			}
		}
		f.Params = append(f.Params, savedParamJSON{Name: sp.Name, Rows: sp.Raw.Rows, Cols: sp.Raw.Cols,
			Values: append([]float64(nil), sp.Raw.Val...)})
	}
	data, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return fmt.Errorf("vi: SaveParams: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("vi: SaveParams: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("vi: SaveParams %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("vi: SaveParams %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("vi: SaveParams %s: %w", path, err)
	}
	return nil
}

// LoadParams reads the parameter file at path (see ReadParams).
func LoadParams(path string) ([]SavedParam, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vi: LoadParams: %w", err)
	}
	defer f.Close()
	ps, err := ReadParams(f)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return ps, nil
}

// ReadParams parses a parameter file. It returns an error that names what
// is wrong (the field, the parameter and the value) for anything but a
// well-formed file of the current version: unknown format or version,
// empty or repeated names, shapes that are not positive or do not match
// the number of values, more than 2^28 values in one parameter.
func ReadParams(r io.Reader) ([]SavedParam, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f paramsFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("vi: ReadParams: not a parameter file: %w", err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("vi: ReadParams: data after the parameter object")
	}
	if f.Format != paramsFormat {
		return nil, fmt.Errorf("vi: ReadParams: format %q, want %q", f.Format, paramsFormat)
	}
	if f.Version != paramsVersion {
		return nil, fmt.Errorf("vi: ReadParams: version %d, want %d", f.Version, paramsVersion)
	}
	seen := map[string]bool{}
	out := make([]SavedParam, 0, len(f.Params))
	for i, p := range f.Params {
		switch {
		case p.Name == "":
			return nil, fmt.Errorf("vi: ReadParams: parameter %d has no name", i)
		case seen[p.Name]:
			return nil, fmt.Errorf("vi: ReadParams: parameter %q appears twice", p.Name)
		case p.Rows <= 0 || p.Cols <= 0 || p.Rows > maxSavedValues || p.Cols > maxSavedValues/p.Rows:
			return nil, fmt.Errorf("vi: ReadParams: parameter %q has shape %dx%d", p.Name, p.Rows, p.Cols)
		case len(p.Values) != p.Rows*p.Cols:
			return nil, fmt.Errorf("vi: ReadParams: parameter %q has %d values for shape %dx%d", p.Name, len(p.Values), p.Rows, p.Cols)
		}
		seen[p.Name] = true
		out = append(out, SavedParam(p))
	}
	return out, nil
}

// SetParams copies saved values into the parameters of store with the same
// names. Every parameter of store must be in saved with the same shape, and
// every saved parameter must be in store; otherwise it returns an error
// naming the first parameter that does not match and changes nothing.
func SetParams(store *ParamStore, saved []SavedParam) error {
	byName := map[string]SavedParam{}
	for _, p := range saved {
		byName[p.Name] = p
	}
	for _, sp := range store.List() {
		p, ok := byName[sp.Name]
		if !ok {
			return fmt.Errorf("vi: SetParams: parameter %q is not in the saved parameters", sp.Name)
		}
		if p.Rows != sp.Raw.Rows || p.Cols != sp.Raw.Cols {
			return fmt.Errorf("vi: SetParams: parameter %q is %dx%d, saved as %dx%d", sp.Name, sp.Raw.Rows, sp.Raw.Cols, p.Rows, p.Cols)
		}
	}
	for _, p := range saved {
		if store.Get(p.Name) == nil {
			return fmt.Errorf("vi: SetParams: saved parameter %q is not a parameter of the guide", p.Name)
		}
	}
	for _, sp := range store.List() {
		copy(sp.Raw.Val, byName[sp.Name].Values)
	}
	return nil
}

// Restore rebuilds a fitted guide from a parameter file and draws from it:
// it sets guide up for model as Fit does (the guide must be of the same
// family, with the same parameter names and shapes, as the one that was
// fitted; options that only choose the initial values may differ, since the
// saved values replace them), replaces its parameters by those saved at
// path, and returns a
// Result with n draws from the guide (constrained, per site), their ELBO
// with its standard error and the PSIS k-hat, exactly as Fit computes them
// at the end of a run. Steps is 0 and StopReason "restored". seed seeds the
// draws.
//
// Only what the guide keeps in its ParamStore is saved. A guide with state
// computed at Setup outside the store (autoguide.Laplace's mode and Hessian
// factor) recomputes it, and is restored exactly only if that computation
// gives the same result again.
func Restore(model Model, guide Guide, path string, n int, seed uint64) (*Result, error) {
	saved, err := LoadParams(path)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x6b6c646976))
	env := NewEnv(rng, 1)
	proto, err := env.RunPrior(model, 1)
	if err != nil {
		return nil, fmt.Errorf("vi: Restore: running the model from its prior: %w", err)
	}
	if err := guide.Setup(&Setup{Model: model, Proto: proto, Params: env.Params, Rand: rng}); err != nil {
		return nil, err
	}
	env.Tape.Reset()
	if len(env.Params.List()) < len(saved) {
		// A hand-written guide creates its parameters when it first runs.
		if _, err := env.RunGuide(guide, 1); err != nil {
			return nil, fmt.Errorf("vi: Restore: %w", err)
		}
		env.Tape.Reset()
	}
	if err := SetParams(env.Params, saved); err != nil {
		return nil, fmt.Errorf("vi: Restore %s: %w", path, err)
	}
	res := &Result{Model: model, Guide: guide, Params: env.Params, StopReason: "restored",
		ELBO: math.NaN(), ELBOStdErr: math.NaN(), KHat: math.NaN()}
	if err := res.evaluate(env, n); err != nil {
		return nil, fmt.Errorf("vi: Restore: drawing from the guide: %w", err)
	}
	return res, nil
}
