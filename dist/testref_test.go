package dist

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// The reference loader of the tests: every committed reference file
// under testdata/ (written by the generator script named beside its
// type) is read by readRef, and numbers that the generators write as
// decimal strings, so that no JSON encoder rounds them, are parsed by
// parseFloats.

// decodeRef decodes testdata/name into v.
func decodeRef(name string, v any) error {
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// readRef decodes testdata/name into v, failing the test if the file is
// missing or malformed.
func readRef(t *testing.T, name string, v any) {
	t.Helper()
	require.NoError(t, decodeRef(name, v), "reading testdata/%s", name)
}

// parseFloats parses decimal strings to the nearest float64s. It
// returns one value per string (0 for one that does not parse) and the
// first error.
func parseFloats(ss []string) ([]float64, error) {
	out := make([]float64, len(ss))
	var first error
	for i, s := range ss {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil && first == nil {
			first = err
		}
		out[i] = v
	}
	return out, first
}
