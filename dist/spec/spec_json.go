package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// FromJSON decodes a specification in the JSON form
//
//	{"family": "Normal", "params": {"loc": 0.5, "scale": 2.0}}
//
// params holds keyword arguments (torch's names): a number, a list or a
// nested list of numbers ("inf", "-inf" and "nan" as strings for the
// values JSON cannot write), true or false, null (the same as leaving
// the argument out), or a nested distribution or transform as an object
// with "family" (and optional "params"), or a list of them:
//
//	{"family": "Independent", "params": {"base_distribution": {"family": "Normal",
//	    "params": {"loc": [0, 0], "scale": [1, 1]}}, "reinterpreted_batch_ndims": 1}}
//	{"family": "TransformedDistribution", "params": {"base_distribution": {...},
//	    "transforms": [{"family": "ExpTransform"}]}}
//
// The Spec has no source positions (every Pos is -1). Keyword arguments
// are in sorted order. Errors name the path of the offending value.
func FromJSON(data []byte) (*Spec, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("spec: JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("spec: JSON: unexpected data after the object")
	}
	return FromMap(v)
}

// FromMap is FromJSON for a value decoded by encoding/json (a
// map[string]any; numbers as float64 or json.Number).
func FromMap(v any) (*Spec, error) {
	return specFromJSONValue(v, "", 0)
}

func jsonErr(path, format string, args ...any) error {
	if path == "" {
		path = "the top level"
	}
	return fmt.Errorf("spec: JSON: at %s: %s", path, fmt.Sprintf(format, args...))
}

func specFromJSONValue(v any, path string, depth int) (*Spec, error) {
	if depth > maxDepth {
		return nil, jsonErr(path, "nesting deeper than %d", maxDepth)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, jsonErr(path, "expected an object with \"family\", found %s", jsonKind(v))
	}
	fv, ok := m["family"]
	if !ok {
		return nil, jsonErr(path, "missing \"family\"")
	}
	fam, ok := fv.(string)
	if !ok || fam == "" {
		return nil, jsonErr(join(path, "family"), "expected a family name, found %s", jsonKind(fv))
	}
	if i := strings.LastIndexByte(fam, '.'); i >= 0 {
		fam = fam[i+1:]
	}
	s := &Spec{Family: fam, Pos: -1}
	for k := range m {
		if k != "family" && k != "params" {
			return nil, jsonErr(path, "unknown key %q (expected \"family\" and \"params\")", k)
		}
	}
	pv, ok := m["params"]
	if !ok || pv == nil {
		return s, nil
	}
	params, ok := pv.(map[string]any)
	if !ok {
		return nil, jsonErr(join(path, "params"), "expected an object of arguments, found %s", jsonKind(pv))
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if params[k] == nil {
			continue
		}
		val, err := valueFromJSON(params[k], join(join(path, "params"), k), depth+1)
		if err != nil {
			return nil, err
		}
		s.Kwargs = append(s.Kwargs, Keyword{Name: k, Value: val, Pos: -1})
	}
	return s, nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func valueFromJSON(v any, path string, depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, jsonErr(path, "nesting deeper than %d", maxDepth)
	}
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return Value{}, jsonErr(path, "%s is not a float64 number", x)
		}
		return Value{Kind: NumberValue, Num: f, Pos: -1}, nil
	case float64:
		return Value{Kind: NumberValue, Num: x, Pos: -1}, nil
	case string:
		switch strings.ToLower(x) {
		case "inf", "+inf", "infinity", "+infinity":
			return Value{Kind: NumberValue, Num: math.Inf(1), Pos: -1}, nil
		case "-inf", "-infinity":
			return Value{Kind: NumberValue, Num: math.Inf(-1), Pos: -1}, nil
		case "nan":
			return Value{Kind: NumberValue, Num: math.NaN(), Pos: -1}, nil
		}
		return Value{}, jsonErr(path, "expected a number, found the string %q (only \"inf\", \"-inf\" and \"nan\" may be strings)", x)
	case bool:
		return Value{Kind: BoolValue, Bool: x, Pos: -1}, nil
	case []any:
		out := Value{Kind: ListValue, List: make([]Value, 0, len(x)), Pos: -1}
		for i, e := range x {
			ev, err := valueFromJSON(e, fmt.Sprintf("%s[%d]", path, i), depth+1)
			if err != nil {
				return Value{}, err
			}
			out.List = append(out.List, ev)
		}
		return out, nil
	case map[string]any:
		s, err := specFromJSONValue(x, path, depth+1)
		if err != nil {
			return Value{}, err
		}
		return Value{Kind: SpecValue, Spec: s, Pos: -1}, nil
	case nil:
		return Value{}, jsonErr(path, "null inside a list")
	}
	return Value{}, jsonErr(path, "unexpected %s", jsonKind(v))
}

func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return fmt.Sprintf("the string %q", x)
	case json.Number, float64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
