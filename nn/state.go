package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kldiv/kldiv/ad"
)

// The state format is safetensors (https://github.com/huggingface/safetensors):
//
//	8 bytes    N, the header length, unsigned little-endian
//	N bytes    a JSON object: for each tensor name
//	           {"dtype": "F64", "shape": [rows, cols], "data_offsets": [begin, end]}
//	           and optionally "__metadata__": {string: string}; padded with
//	           spaces to a multiple of 8 bytes
//	the rest   the tensors' bytes, little-endian, row-major, begin and end
//	           relative to the start of this section
//
// Save writes F64 (so a round trip gives the same bits) in the order of the
// parameters; a parameter whose name ends in ".bias" and has one row is
// written with torch's 1-D shape [cols]. Load accepts F64 and F32 (widened
// exactly), the files torch writes with safetensors.torch.save_file.

// MaxHeader is the largest header Load accepts (bytes).
const MaxHeader = 100 << 20

// Tensor is one named array of a state.
type Tensor struct {
	Name  string
	Shape []int
	// DType is the stored element type: "F64" or "F32".
	DType string
	Data  []float64
}

// State is the content of a state file: tensors in file order and the
// free-form metadata.
type State struct {
	Tensors  []Tensor
	Metadata map[string]string
}

// Tensor returns the tensor called name, or nil.
func (s *State) Tensor(name string) *Tensor {
	for i := range s.Tensors {
		if s.Tensors[i].Name == name {
			return &s.Tensors[i]
		}
	}
	return nil
}

type header struct {
	DType   string `json:"dtype"`
	Shape   []int  `json:"shape"`
	Offsets [2]int `json:"data_offsets"`
}

// Save writes params (with metadata, which may be nil) to w in the
// safetensors format. It returns an error for duplicate or empty names.
func Save(w io.Writer, params []*ad.Param, metadata map[string]string) error {
	hdr := map[string]any{}
	seen := map[string]bool{}
	off := 0
	for _, p := range params {
		if p.Name == "" || p.Name == "__metadata__" {
			return fmt.Errorf("nn: Save: parameter name %q not allowed", p.Name)
		}
		if seen[p.Name] {
			return fmt.Errorf("nn: Save: parameter %q appears twice", p.Name)
		}
		seen[p.Name] = true
		shape := []int{p.Rows, p.Cols}
		if p.Rows == 1 && strings.HasSuffix(p.Name, ".bias") {
			shape = []int{p.Cols}
		}
		n := 8 * len(p.Val)
		hdr[p.Name] = header{DType: "F64", Shape: shape, Offsets: [2]int{off, off + n}}
		off += n
	}
	if len(metadata) > 0 {
		hdr["__metadata__"] = metadata
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return fmt.Errorf("nn: Save: %w", err)
	}
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	buf := make([]byte, 8, 8+len(js)+off)
	binary.LittleEndian.PutUint64(buf, uint64(len(js)))
	buf = append(buf, js...)
	for _, p := range params {
		for _, v := range p.Val {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
	}
	_, err = w.Write(buf)
	return err
}

// SaveFile writes params to path atomically (a temporary file in the same
// folder, renamed over path).
func SaveFile(path string, params []*ad.Param, metadata map[string]string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".nn-state-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := Save(f, params, metadata); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// Load reads a safetensors state. Every malformed input (short file,
// header too long or not JSON, unknown dtype, negative or inconsistent
// shapes, offsets out of range, overlapping or with gaps) is an error that
// says what is wrong.
func Load(r io.Reader) (*State, error) {
	var lenb [8]byte
	if _, err := io.ReadFull(r, lenb[:]); err != nil {
		return nil, fmt.Errorf("nn: Load: reading header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lenb[:])
	if n < 2 || n > MaxHeader {
		return nil, fmt.Errorf("nn: Load: header length %d out of range [2, %d]", n, MaxHeader)
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, fmt.Errorf("nn: Load: reading %d-byte header: %w", n, err)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(hb))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("nn: Load: header is not a JSON object: %w", err)
	}
	if raw == nil {
		return nil, errors.New("nn: Load: header is null")
	}
	st := &State{}
	type entry struct {
		name string
		h    header
	}
	var ents []entry
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &st.Metadata); err != nil {
				return nil, fmt.Errorf("nn: Load: __metadata__ is not a map of strings: %w", err)
			}
			continue
		}
		var h header
		d := json.NewDecoder(bytes.NewReader(msg))
		d.DisallowUnknownFields()
		if err := d.Decode(&h); err != nil {
			return nil, fmt.Errorf("nn: Load: tensor %q: %w", name, err)
		}
		ents = append(ents, entry{name, h})
	}
	sort.Slice(ents, func(i, j int) bool {
		a, b := ents[i].h.Offsets, ents[j].h.Offsets
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		return a[1] < b[1]
	})
	// Tensors must tile the data section from 0 without gaps or overlaps.
	end := 0
	for _, e := range ents {
		h := e.h
		var size int
		switch h.DType {
		case "F64":
			size = 8
		case "F32":
			size = 4
		default:
			return nil, fmt.Errorf("nn: Load: tensor %q: dtype %q (want F64 or F32)", e.name, h.DType)
		}
		count := 1
		for _, d := range h.Shape {
			if d < 0 || d > math.MaxInt32 {
				return nil, fmt.Errorf("nn: Load: tensor %q: shape %v", e.name, h.Shape)
			}
			count *= d
			if count > math.MaxInt32 {
				return nil, fmt.Errorf("nn: Load: tensor %q: shape %v too large", e.name, h.Shape)
			}
		}
		b0, b1 := h.Offsets[0], h.Offsets[1]
		if b0 != end {
			return nil, fmt.Errorf("nn: Load: tensor %q: data begins at %d, want %d (gap or overlap)", e.name, b0, end)
		}
		if b1-b0 != count*size {
			return nil, fmt.Errorf("nn: Load: tensor %q: offsets [%d, %d] hold %d bytes, shape %v of %s needs %d", e.name, b0, b1, b1-b0, h.Shape, h.DType, count*size)
		}
		end = b1
		st.Tensors = append(st.Tensors, Tensor{Name: e.name, Shape: h.Shape, DType: h.DType})
	}
	// Read before allocating by the header's word: a header may claim
	// more data than the file holds.
	data, err := io.ReadAll(io.LimitReader(r, int64(end)))
	if err != nil {
		return nil, fmt.Errorf("nn: Load: reading %d data bytes: %w", end, err)
	}
	if len(data) != end {
		return nil, fmt.Errorf("nn: Load: header promises %d data bytes, file has %d", end, len(data))
	}
	for i, e := range ents {
		t := &st.Tensors[i]
		b := data[e.h.Offsets[0]:e.h.Offsets[1]]
		t.Data = make([]float64, 0, len(b)/4)
		if t.DType == "F64" {
			for k := 0; k+8 <= len(b); k += 8 {
				t.Data = append(t.Data, math.Float64frombits(binary.LittleEndian.Uint64(b[k:])))
			}
		} else {
			for k := 0; k+4 <= len(b); k += 4 {
				t.Data = append(t.Data, float64(math.Float32frombits(binary.LittleEndian.Uint32(b[k:]))))
			}
		}
	}
	return st, nil
}

// LoadFile reads the state at path.
func LoadFile(path string) (*State, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Load(f)
}

// Into copies the state's tensors into params by name. Every parameter
// must be present with a shape of rows x cols elements ([rows, cols], or a
// 1-D [n] for a one-row or one-column parameter); tensors the parameters
// do not name are an error too, so a state cannot silently half-load.
func (s *State) Into(params []*ad.Param) error {
	used := 0
	for _, p := range params {
		t := s.Tensor(p.Name)
		if t == nil {
			return fmt.Errorf("nn: state has no tensor %q", p.Name)
		}
		if !shapeFits(t.Shape, p.Rows, p.Cols) {
			return fmt.Errorf("nn: tensor %q has shape %v, parameter is %dx%d", p.Name, t.Shape, p.Rows, p.Cols)
		}
		copy(p.Val, t.Data)
		used++
	}
	if used != len(s.Tensors) {
		names := map[string]bool{}
		for _, p := range params {
			names[p.Name] = true
		}
		for _, t := range s.Tensors {
			if !names[t.Name] {
				return fmt.Errorf("nn: state tensor %q matches no parameter", t.Name)
			}
		}
	}
	return nil
}

func shapeFits(shape []int, rows, cols int) bool {
	switch len(shape) {
	case 2:
		return shape[0] == rows && shape[1] == cols
	case 1:
		return (rows == 1 || cols == 1) && shape[0] == rows*cols
	case 0:
		return rows == 1 && cols == 1
	}
	return false
}
