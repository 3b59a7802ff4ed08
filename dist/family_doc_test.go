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
	// Only declared families and "*" (not the wrapper rules, nor rules
	// other tests register).
	known := func(name string) bool { _, ok := Declaration(name); return ok || name == "*" }
	asP, asQ := map[string][]string{}, map[string][]string{}
	for _, p := range Pairs() {
		if p.Kind != Infinite && known(p.P) && known(p.Q) {
			asP[p.P] = append(asP[p.P], p.Q)
			asQ[p.Q] = append(asQ[p.Q], p.P)
		}
	}
	list := func(names []string) string {
		if len(names) == 0 {
			return "(none registered)"
		}
		return strings.Join(names, ", ")
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
	b.WriteString("The families Q for which `dist.KL(P, Q)` needs no sampling with the\n")
	b.WriteString("family as P, and the P with it as Q (a closed form or a reduction to\n")
	b.WriteString("one; `*` is any distribution), from `dist.Pairs()`; pairs whose KL is\n")
	b.WriteString("infinite for every parameter value are left out.\n\n")
	b.WriteString("| family | as P, with Q | as Q, with P |\n| --- | --- | --- |\n")
	for _, f := range Declarations() {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Name, list(asP[f.Name]), list(asQ[f.Name]))
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
