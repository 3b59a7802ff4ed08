package dist

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateFamilies = flag.Bool("update", false, "rewrite docs/FAMILIES.md from the declarations")

const familiesDoc = "../docs/FAMILIES.md"

// familiesMarkdown returns docs/FAMILIES.md: every declared family with
// its parameters in torch's order, their shapes, constraints, defaults
// and meanings, and the Q with a KL from each without sampling (dist.Pairs).
func familiesMarkdown() string {
	partners := map[string][]string{}
	for _, p := range Pairs() {
		if p.Kind != Infinite {
			partners[p.P] = append(partners[p.P], p.Q)
		}
	}
	var b strings.Builder
	b.WriteString("# Distribution families\n\n")
	b.WriteString("Generated from `dist.Declarations()` (dist/declarations.go) by\n")
	b.WriteString("`go test ./dist -run TestFamiliesDoc -update`; do not edit by hand.\n")
	b.WriteString("Parameters are in torch's positional order, which is also the order of\n")
	b.WriteString("the Go constructor's arguments; `dist/spec` accepts the same names.\n")
	b.WriteString("D is the event width (the last axis of the vector parameters). Of the\n")
	b.WriteString("parameters marked *one of*, exactly one is given.\n\n")
	b.WriteString("| family | parameter | shape | constraint | default | meaning |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	for _, f := range Declarations() {
		for i, p := range f.Params {
			fam := ""
			if i == 0 {
				fam = fmt.Sprintf("`%s`: %s", f.Name, f.Doc)
			}
			def := ""
			if p.HasDefault {
				def = fmt.Sprint(p.Default)
			}
			name := "`" + p.Name + "`"
			for _, o := range f.OneOf {
				if o == p.Name {
					name += " (one of)"
				}
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", fam, name, p.Shape, p.Constraint, def, p.Doc)
		}
	}
	b.WriteString("\n## KL partners\n\n")
	b.WriteString("The Q for which `dist.KL(P, Q)` needs no sampling (a closed form or a\n")
	b.WriteString("reduction to one; `*` is any distribution), from `dist.Pairs()`; pairs\n")
	b.WriteString("whose KL is infinite for every parameter value are left out.\n\n")
	b.WriteString("| P | Q |\n| --- | --- |\n")
	for _, f := range Declarations() {
		qs := partners[f.Name]
		if len(qs) == 0 {
			qs = []string{"(none registered)"}
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", f.Name, strings.Join(qs, ", "))
	}
	return b.String()
}

// TestFamiliesDoc checks that docs/FAMILIES.md is the table the
// declarations give; -update rewrites it.
func TestFamiliesDoc(t *testing.T) {
	want := familiesMarkdown()
	if *updateFamilies {
		require.NoError(t, os.WriteFile(familiesDoc, []byte(want), 0o644))
	}
	got, err := os.ReadFile(familiesDoc)
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "docs/FAMILIES.md is out of date: run go test ./dist -run TestFamiliesDoc -update")
	for _, f := range Declarations() {
		assert.Contains(t, string(got), "`"+f.Name+"`", "every declared family is listed")
	}
}
