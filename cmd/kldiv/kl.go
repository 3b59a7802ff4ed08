package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/dist/spec"
	"github.com/kldiv/kldiv/estimators"
)

// Method names in the output of kldiv kl.
const (
	methodAnalytic   = "analytic"
	methodMonteCarlo = estimators.MethodMonteCarlo
)

// Random streams: each divergence has its own stream of the seed, so a
// value does not depend on which others were computed (the batch mode's
// KL equals the kl_pq of a single run).
const (
	streamKLPQ uint64 = 1
	streamKLQP uint64 = 2
	streamJS   uint64 = 3
)

// klConfig holds the Monte Carlo settings.
type klConfig struct {
	samples int
	seed    uint64
	est     estimators.KLEstimator
	// plot and plotly are the figure files of one pair ("" for none);
	// svg forces SVG for plot.
	plot, plotly string
	svg          bool
}

func (c klConfig) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(c.seed, stream))
}

// divergence is one divergence per batch element: the torch batch shape,
// the values (row-major) and, for Monte Carlo estimates, their standard
// errors.
type divergence struct {
	batch  []int
	value  []float64
	stderr []float64 // nil when analytic
	method string
}

// usageError is an error in the command line or a specification (exit
// status 2); other errors are computation errors (exit status 1).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// specError is a specification that does not parse or build: label is P
// or Q, src the source text ("" for JSON).
type specError struct {
	label, src string
	err        error
}

func (e *specError) Error() string {
	msg := strings.TrimPrefix(e.err.Error(), "dist: ")
	msg = strings.TrimPrefix(msg, "spec: ")
	if strings.HasPrefix(msg, "JSON: ") {
		// Errors of the JSON form read "P: spec JSON: at params.loc: ...".
		msg = "spec " + msg
	}
	var se *spec.SyntaxError
	if errors.As(e.err, &se) {
		msg = fmt.Sprintf("column %d: %s", se.Pos+1, se.Msg)
	}
	return e.label + ": " + msg
}

// pos returns the byte offset the error points at, or -1.
func (e *specError) pos() int {
	var se *spec.SyntaxError
	if errors.As(e.err, &se) {
		return se.Pos
	}
	var be *spec.BuildError
	if errors.As(e.err, &be) {
		return be.Pos
	}
	return -1
}

// caret returns the line of src holding byte offset pos and a caret under
// it, both indented by two spaces, or "" when there is nothing to show.
func caret(src string, pos int) string {
	if pos < 0 || pos > len(src) || src == "" {
		return ""
	}
	start := strings.LastIndexByte(src[:pos], '\n') + 1
	end := strings.IndexByte(src[pos:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += pos
	}
	line := src[start:end]
	var pad strings.Builder
	for _, r := range src[start:pos] {
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	if !utf8.ValidString(line) {
		return ""
	}
	return "  " + line + "\n  " + pad.String() + "^\n"
}

// parseSpecArg parses and checks a specification given on the command
// line.
func parseSpecArg(label, src string) (*spec.Spec, error) {
	s, err := spec.Parse(src)
	if err != nil {
		return nil, &specError{label: label, src: src, err: err}
	}
	return s, nil
}

// buildPair builds p and q broadcast to their common torch batch shape.
// Its errors are *specError (naming P or Q) or *usageError.
func buildPair(ps, qs *spec.Spec, psrc, qsrc string) (p, q dist.Distribution, batch []int, err error) {
	pb, pe, err := spec.Shapes(ps)
	if err != nil {
		return nil, nil, nil, &specError{label: "P", src: psrc, err: err}
	}
	qb, qe, err := spec.Shapes(qs)
	if err != nil {
		return nil, nil, nil, &specError{label: "Q", src: qsrc, err: err}
	}
	if !slices.Equal(pe, qe) {
		return nil, nil, nil, usagef("P and Q have different event shapes: %s and %s (a divergence compares distributions over the same values)", spec.FormatShape(pe), spec.FormatShape(qe))
	}
	batch, ok := spec.BroadcastShapes(pb, qb)
	if !ok {
		return nil, nil, nil, usagef("the batch shapes of P %s and Q %s do not broadcast", spec.FormatShape(pb), spec.FormatShape(qb))
	}
	build := func(s *spec.Spec, own []int, label, src string) (dist.Distribution, error) {
		var d dist.Distribution
		var err error
		if n := numel(own); n == 1 || slices.Equal(own, batch) {
			d, _, err = spec.Build(s)
		} else {
			d, err = spec.BuildBatch(s, batch)
		}
		if err != nil {
			return nil, &specError{label: label, src: src, err: err}
		}
		return d, nil
	}
	if p, err = build(ps, pb, "P", psrc); err != nil {
		return nil, nil, nil, err
	}
	if q, err = build(qs, qb, "Q", qsrc); err != nil {
		return nil, nil, nil, err
	}
	return p, q, batch, nil
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// fitBatch returns v with numel(batch) entries (a single value is
// repeated), or an error.
func fitBatch(v []float64, batch []int) ([]float64, error) {
	n := numel(batch)
	switch len(v) {
	case n:
		return v, nil
	case 1:
		out := make([]float64, n)
		for i := range out {
			out[i] = v[0]
		}
		return out, nil
	}
	return nil, fmt.Errorf("%d values for a batch of shape %s", len(v), spec.FormatShape(batch))
}

// klDivergence returns KL(p || q): analytic when the pair is registered,
// otherwise a Monte Carlo estimate from the given stream.
func klDivergence(cfg klConfig, p, q dist.Distribution, batch []int, stream uint64) (divergence, error) {
	v, err := dist.KL(p, q)
	if err == nil {
		vals, err := fitBatch(v.Value(), batch)
		if err != nil {
			return divergence{}, err
		}
		return divergence{batch: batch, value: slices.Clone(vals), method: methodAnalytic}, nil
	}
	if !errors.Is(err, dist.ErrNoKL) {
		return divergence{}, err
	}
	est, err := estimators.KL(cfg.rng(stream), p, q, cfg.samples, cfg.est)
	if err != nil {
		return divergence{}, err
	}
	return fromEstimates(est, batch)
}

// jsDivergence returns the Jensen-Shannon divergence: the exact sum of
// dist.JensenShannon for discrete pairs, otherwise a Monte Carlo estimate.
func jsDivergence(cfg klConfig, p, q dist.Distribution, batch []int) (divergence, error) {
	v, err := dist.JensenShannon(p, q)
	if err == nil {
		vals, err := fitBatch(v.Value(), batch)
		if err != nil {
			return divergence{}, err
		}
		return divergence{batch: batch, value: slices.Clone(vals), method: methodAnalytic}, nil
	}
	if !errors.Is(err, dist.ErrNoClosedForm) {
		return divergence{}, err
	}
	est, err := estimators.JS(cfg.rng(streamJS), p, q, cfg.samples)
	if err != nil {
		return divergence{}, err
	}
	return fromEstimates(est, batch)
}

func fromEstimates(est []estimators.Estimate, batch []int) (divergence, error) {
	v := make([]float64, len(est))
	se := make([]float64, len(est))
	for i, e := range est {
		v[i], se[i] = e.Value, e.StdErr
	}
	v, err := fitBatch(v, batch)
	if err != nil {
		return divergence{}, err
	}
	se, _ = fitBatch(se, batch)
	return divergence{batch: batch, value: v, stderr: se, method: methodMonteCarlo}, nil
}

// symmetric returns a + b: analytic when both are; otherwise a Monte
// Carlo estimate whose standard error combines the two (an analytic part
// has none). An exactly known +Inf (analytic, or a support mismatch with
// standard error 0) makes the sum exactly +Inf.
func symmetric(a, b divergence) divergence {
	out := divergence{batch: a.batch, value: make([]float64, len(a.value)), method: methodAnalytic}
	if a.stderr != nil || b.stderr != nil {
		out.method = methodMonteCarlo
		out.stderr = make([]float64, len(a.value))
	}
	se := func(d divergence, i int) float64 {
		if d.stderr == nil {
			return 0
		}
		return d.stderr[i]
	}
	for i := range out.value {
		va, vb := a.value[i], b.value[i]
		sa, sb := se(a, i), se(b, i)
		if math.IsInf(va, 1) && sa == 0 || math.IsInf(vb, 1) && sb == 0 {
			out.value[i] = math.Inf(1)
			continue
		}
		out.value[i] = va + vb
		if out.stderr != nil {
			out.stderr[i] = math.Hypot(sa, sb)
		}
	}
	return out
}

// ---- output ----

// jsonNumber returns x for JSON: a number, or "inf", "-inf", "nan".
func jsonNumber(x float64) any {
	switch {
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	case math.IsNaN(x):
		return "nan"
	case x == 0:
		return 0.0 // not -0
	}
	return x
}

// nested returns v (row-major over shape) as a number for an empty shape
// or as nested lists.
func nested(v []float64, shape []int) any {
	if len(shape) == 0 {
		return jsonNumber(v[0])
	}
	n := len(v) / shape[0]
	out := make([]any, shape[0])
	for i := range out {
		out[i] = nested(v[i*n:(i+1)*n], shape[1:])
	}
	return out
}

// jsonDivergence is one divergence in the --json output.
type jsonDivergence struct {
	Value  any    `json:"value"`
	Method string `json:"method"`
	Stderr any    `json:"stderr,omitempty"`
}

func (d divergence) json() jsonDivergence {
	j := jsonDivergence{Value: nested(d.value, d.batch), Method: d.method}
	if d.stderr != nil {
		j.Stderr = nested(d.stderr, d.batch)
	}
	return j
}

type jsonReport struct {
	KLPQ        jsonDivergence `json:"kl_pq"`
	KLQP        jsonDivergence `json:"kl_qp"`
	JS          jsonDivergence `json:"js"`
	SymmetricKL jsonDivergence `json:"symmetric_kl"`
}

// formatFloat formats a value for the text output.
func formatFloat(x float64, digits int) string {
	switch {
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	case math.IsNaN(x):
		return "nan"
	case x == 0:
		x = 0 // not -0
	}
	return strconv.FormatFloat(x, 'g', digits, 64)
}

// cell formats element i: the value, with ± its standard error for a
// Monte Carlo estimate.
func (d divergence) cell(i int) string {
	if d.stderr == nil {
		return formatFloat(d.value[i], 12)
	}
	if math.IsInf(d.value[i], 0) && d.stderr[i] == 0 {
		return formatFloat(d.value[i], 6)
	}
	return formatFloat(d.value[i], 6) + " ± " + formatFloat(d.stderr[i], 2)
}

// describeMethod says how a divergence was computed.
func describeMethod(d divergence, cfg klConfig, isJS bool) string {
	if d.method != methodMonteCarlo {
		return d.method
	}
	if isJS {
		return fmt.Sprintf("monte-carlo (%d samples from each side, seed %d)", cfg.samples, cfg.seed)
	}
	return fmt.Sprintf("monte-carlo (%v estimator, %d samples, seed %d)", cfg.est, cfg.samples, cfg.seed)
}

func indexString(shape []int, k int) string {
	idx := make([]string, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = strconv.Itoa(k % shape[d])
		k /= shape[d]
	}
	return "[" + strings.Join(idx, ", ") + "]"
}

func writeText(w io.Writer, ps, qs *spec.Spec, batch []int, rows []namedDivergence, cfg klConfig) {
	fmt.Fprintf(w, "P = %s\nQ = %s\n", ps, qs)
	if len(batch) > 0 {
		fmt.Fprintf(w, "batch shape %s\n", spec.FormatShape(batch))
	}
	fmt.Fprintln(w)
	if len(batch) == 0 {
		width := 0
		for _, r := range rows {
			width = max(width, utf8.RuneCountInString(r.d.cell(0)))
		}
		for _, r := range rows {
			c := r.d.cell(0)
			fmt.Fprintf(w, "%-15s %s%s  %s\n", r.name, c, strings.Repeat(" ", width-utf8.RuneCountInString(c)), describeMethod(r.d, cfg, r.js))
		}
		return
	}
	for i, r := range rows {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s  %s\n", r.name, describeMethod(r.d, cfg, r.js))
		for k := range r.d.value {
			fmt.Fprintf(w, "  %-8s %s\n", indexString(batch, k), r.d.cell(k))
		}
	}
}

type namedDivergence struct {
	name string
	d    divergence
	js   bool
}

// ---- the command ----

const klUsage = `usage: kldiv kl [flags] P Q
       kldiv kl --batch [flags] < pairs.jsonl

Divergences between two distributions given in torch.distributions syntax:
KL(P || Q), KL(Q || P), Jensen-Shannon and symmetric KL (Jeffreys), each
analytic when kldiv has a closed form and otherwise a Monte Carlo estimate
with its standard error.

  kldiv kl 'Normal(0, 1)' 'Normal(1, 2)'
  kldiv kl --json 'Gamma(2, 3)' 'Weibull(1, 1.5)'
  kldiv kl 'Independent(Normal(loc=[0, 0], scale=[1, 1]), 1)' \
           'MultivariateNormal([0, 0], covariance_matrix=[[1, 0.5], [0.5, 2]])'

Batches (torch batch shapes) give one value per element.

--batch reads JSON lines {"p": SPEC, "q": SPEC} from stdin, SPEC being
{"family": "Normal", "params": {"loc": 0, "scale": 1}} or a string in the
syntax above, and writes one line {"kl": ..., "method": ...} per line
("stderr" too for Monte Carlo estimates, {"error": ...} for a bad line;
blank lines are skipped). Infinite values are written "inf".

Exit status: 0 on success, 1 when a divergence cannot be computed (or, with
--batch, when a line gave an error), 2 for a bad command line or
specification.

flags:
`

// runKL implements kldiv kl.
func runKL(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	samples := fs.Int("samples", 100000, "Monte Carlo samples per estimate (per batch element)")
	seed := fs.Uint64("seed", 1, "random seed of the Monte Carlo estimates")
	estName := fs.String("estimator", "k1", "Monte Carlo KL estimator: k1 (unbiased), k2 or k3 (low variance; infinite variance when Q has heavier tails than P)")
	asJSON := fs.Bool("json", false, "print one JSON object (--batch always writes JSON)")
	batchMode := fs.Bool("batch", false, "read JSON lines {\"p\": ..., \"q\": ...} from stdin, write one JSON line each")
	plotPath := fs.String("plot", "", "also draw KL(P || Q), KL(Q || P) and JS as bars (and the densities of univariate P and Q) to this PNG or SVG file")
	plotlyPath := fs.String("plotly", "", "also write the same figure as a Plotly JSON figure to this file")
	svg := fs.Bool("svg", false, "write --plot as SVG whatever its extension")
	fs.Usage = func() {
		fmt.Fprint(stderr, klUsage)
		fs.PrintDefaults()
	}
	// Flags may come before, between or after the two specifications.
	var pos []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		rest = rest[1:]
	}
	cfg := klConfig{samples: *samples, seed: *seed}
	switch *estName {
	case "k1":
		cfg.est = estimators.K1
	case "k2":
		cfg.est = estimators.K2
	case "k3":
		cfg.est = estimators.K3
	default:
		fmt.Fprintf(stderr, "kldiv kl: --estimator %q: want k1, k2 or k3\n", *estName)
		return 2
	}
	if cfg.samples < 2 {
		fmt.Fprintf(stderr, "kldiv kl: --samples %d: want at least 2\n", cfg.samples)
		return 2
	}
	if *batchMode && (*plotPath != "" || *plotlyPath != "") {
		fmt.Fprintln(stderr, "kldiv kl: --plot and --plotly draw one pair, not --batch")
		return 2
	}
	if *batchMode {
		if len(pos) > 0 {
			fmt.Fprintf(stderr, "kldiv kl: --batch reads the pairs from stdin; got arguments %q\n", pos)
			return 2
		}
		return runKLBatch(cfg, stdin, stdout, stderr)
	}
	if len(pos) != 2 {
		fmt.Fprintf(stderr, "kldiv kl: want two specifications P and Q, got %d\n\n", len(pos))
		fs.Usage()
		return 2
	}
	cfg.plot, cfg.plotly, cfg.svg = *plotPath, *plotlyPath, *svg
	code, err := klPair(cfg, pos[0], pos[1], *asJSON, stdout)
	if err != nil {
		reportKLError(stderr, err)
	}
	return code
}

// reportKLError prints an error, with the specification and a caret
// under the offending column for a bad specification.
func reportKLError(w io.Writer, err error) {
	fmt.Fprintf(w, "kldiv kl: %v\n", err)
	var se *specError
	if errors.As(err, &se) {
		fmt.Fprint(w, caret(se.src, se.pos()))
	}
}

// klPair computes and prints the divergences of one pair and returns the
// exit status.
func klPair(cfg klConfig, psrc, qsrc string, asJSON bool, stdout io.Writer) (int, error) {
	ps, err := parseSpecArg("P", psrc)
	if err != nil {
		return 2, err
	}
	qs, err := parseSpecArg("Q", qsrc)
	if err != nil {
		return 2, err
	}
	p, q, batch, err := buildPair(ps, qs, psrc, qsrc)
	if err != nil {
		return 2, err
	}
	pq, qp, js, sym, err := divergences(cfg, p, q, batch)
	if err != nil {
		return 1, err
	}
	if cfg.plot != "" || cfg.plotly != "" {
		fig := newKLFigure(psrc, qsrc, p, q, batch, pq, qp, js, cfg.seed)
		if cfg.plot != "" {
			if err := fig.save(cfg.plot, cfg.svg); err != nil {
				return 1, fmt.Errorf("--plot %s: %w", cfg.plot, err)
			}
		}
		if cfg.plotly != "" {
			if err := fig.plotly(cfg.plotly); err != nil {
				return 1, fmt.Errorf("--plotly %s: %w", cfg.plotly, err)
			}
		}
	}
	if asJSON {
		out, err := marshalJSON(jsonReport{KLPQ: pq.json(), KLQP: qp.json(), JS: js.json(), SymmetricKL: sym.json()})
		if err != nil {
			return 1, err
		}
		fmt.Fprintf(stdout, "%s\n", out)
		return 0, nil
	}
	writeText(stdout, ps, qs, batch, []namedDivergence{
		{name: "KL(P || Q)", d: pq},
		{name: "KL(Q || P)", d: qp},
		{name: "Jensen-Shannon", d: js, js: true},
		{name: "symmetric KL", d: sym},
	}, cfg)
	return 0, nil
}

// divergences computes KL(p || q), KL(q || p), Jensen-Shannon and the
// symmetric KL.
func divergences(cfg klConfig, p, q dist.Distribution, batch []int) (pq, qp, js, sym divergence, err error) {
	if pq, err = klDivergence(cfg, p, q, batch, streamKLPQ); err != nil {
		return pq, qp, js, sym, fmt.Errorf("KL(P || Q): %w", err)
	}
	if qp, err = klDivergence(cfg, q, p, batch, streamKLQP); err != nil {
		return pq, qp, js, sym, fmt.Errorf("KL(Q || P): %w", err)
	}
	if js, err = jsDivergence(cfg, p, q, batch); err != nil {
		return pq, qp, js, sym, fmt.Errorf("Jensen-Shannon: %w", err)
	}
	return pq, qp, js, symmetric(pq, qp), nil
}

// marshalJSON is json.Marshal without HTML escaping and without the
// trailing newline.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// ---- --batch ----

type batchResult struct {
	KL     any    `json:"kl"`
	Method string `json:"method"`
	Stderr any    `json:"stderr,omitempty"`
}

type batchError struct {
	Error string `json:"error"`
}

// runKLBatch reads JSON lines from stdin and writes one JSON line per
// non-blank line.
func runKLBatch(cfg klConfig, stdin io.Reader, stdout, stderr io.Writer) int {
	r := bufio.NewReader(stdin)
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	code := 0
	for lineNo := 1; ; lineNo++ {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			out, ok := batchLine(cfg, line)
			if !ok {
				code = 1
			}
			w.Write(out)
			w.WriteByte('\n')
			if ferr := w.Flush(); ferr != nil {
				fmt.Fprintf(stderr, "kldiv kl: writing: %v\n", ferr)
				return 1
			}
		}
		if err == io.EOF {
			return code
		}
		if err != nil {
			fmt.Fprintf(stderr, "kldiv kl: reading stdin at line %d: %v\n", lineNo, err)
			return 1
		}
	}
}

// batchLine computes KL(p || q) for one line and returns the output line
// and whether it succeeded.
func batchLine(cfg klConfig, line []byte) ([]byte, bool) {
	res, err := batchKL(cfg, line)
	var out []byte
	if err == nil {
		out, err = marshalJSON(res)
	}
	if err != nil {
		out, _ = marshalJSON(batchError{Error: err.Error()})
		return out, false
	}
	return out, true
}

func batchKL(cfg klConfig, line []byte) (batchResult, error) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&m); err != nil {
		return batchResult{}, fmt.Errorf("not a JSON object {\"p\": ..., \"q\": ...}: %v", err)
	}
	if dec.More() {
		return batchResult{}, errors.New("unexpected data after the JSON object")
	}
	if m == nil {
		return batchResult{}, errors.New("not a JSON object {\"p\": ..., \"q\": ...}: null")
	}
	for k := range m {
		if k != "p" && k != "q" {
			return batchResult{}, fmt.Errorf("unknown key %q (want \"p\" and \"q\")", k)
		}
	}
	var specs [2]*spec.Spec
	var srcs [2]string
	for i, k := range []string{"p", "q"} {
		raw, ok := m[k]
		if !ok {
			return batchResult{}, fmt.Errorf("missing %q", k)
		}
		label := strings.ToUpper(k)
		var src string
		if json.Unmarshal(raw, &src) == nil {
			s, err := spec.Parse(src)
			if err != nil {
				return batchResult{}, &specError{label: label, src: src, err: err}
			}
			specs[i], srcs[i] = s, src
			continue
		}
		s, err := spec.FromJSON(raw)
		if err != nil {
			return batchResult{}, &specError{label: label, err: err}
		}
		specs[i] = s
	}
	p, q, batch, err := buildPair(specs[0], specs[1], srcs[0], srcs[1])
	if err != nil {
		return batchResult{}, err
	}
	d, err := klDivergence(cfg, p, q, batch, streamKLPQ)
	if err != nil {
		return batchResult{}, err
	}
	j := d.json()
	return batchResult{KL: j.Value, Method: j.Method, Stderr: j.Stderr}, nil
}
