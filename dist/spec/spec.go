package spec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Spec is a parsed distribution specification in torch.distributions
// syntax, such as
//
//	Normal(loc=0, scale=1)
//	Normal(0, 1)
//	Independent(Normal(loc=[0, 0], scale=[1, 1]), 1)
//	MultivariateNormal([0, 0], covariance_matrix=[[1, 0.5], [0.5, 2]])
//	MixtureSameFamily(Categorical(probs=[0.3, 0.7]), Normal([-1, 2], [1, 0.5]))
//
// Positional arguments follow torch's parameter order; keyword arguments
// use torch's parameter names. Values are numbers (inf, -inf and nan are
// accepted), lists, nested lists (matrices and higher), nested
// distributions and transforms (ExpTransform(), AffineTransform(loc,
// scale), ...).
type Spec struct {
	Family string
	Args   []Value   // positional arguments
	Kwargs []Keyword // keyword arguments, in order
	Pos    int       // byte offset of the family name in the source
}

// Keyword is a named argument of a Spec.
type Keyword struct {
	Name  string
	Value Value
	Pos   int
}

// ValueKind says what a Value holds.
type ValueKind uint8

const (
	NumberValue ValueKind = iota
	ListValue
	SpecValue
	BoolValue
)

// Value is an argument of a Spec: a number, a list of values, a nested
// specification (distribution or transform) or a boolean.
type Value struct {
	Kind ValueKind
	Num  float64
	Bool bool
	List []Value
	Spec *Spec
	Pos  int
}

// SyntaxError reports where a specification could not be parsed.
type SyntaxError struct {
	Src string
	Pos int // byte offset
	Msg string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("spec: %q: at column %d: %s", e.Src, e.Pos+1, e.Msg)
}

// Parse parses a specification. It returns a *SyntaxError that gives
// the column and what was expected there.
func Parse(src string) (*Spec, error) {
	p := &parser{src: src}
	p.skip()
	s, err := p.spec()
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos < len(p.src) {
		return nil, p.errf("unexpected %q after the specification", p.rest())
	}
	return s, nil
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 64

type parser struct {
	src   string
	pos   int
	depth int
}

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{Src: p.src, Pos: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) rest() string {
	r := p.src[p.pos:]
	if len(r) > 12 {
		r = r[:12] + "..."
	}
	return r
}

func (p *parser) skip() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func isIdentStart(c byte) bool { return c == '_' || c < 128 && unicode.IsLetter(rune(c)) }
func isIdent(c byte) bool      { return isIdentStart(c) || c >= '0' && c <= '9' || c == '.' }

func (p *parser) ident() string {
	start := p.pos
	for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

func (p *parser) spec() (*Spec, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errf("nesting deeper than %d", maxDepth)
	}
	if !isIdentStart(p.peek()) {
		if p.pos >= len(p.src) {
			return nil, p.errf("expected a distribution name, found the end of the input")
		}
		return nil, p.errf("expected a distribution name such as Normal, found %q", p.rest())
	}
	s := &Spec{Pos: p.pos}
	name := p.ident()
	// Accept torch's module prefixes: torch.distributions.Normal, dist.Normal.
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if name == "" || !isIdentStart(name[0]) {
		return nil, &SyntaxError{Src: p.src, Pos: s.Pos, Msg: fmt.Sprintf("%q is not a distribution name", p.src[s.Pos:p.pos])}
	}
	s.Family = name
	p.skip()
	if p.peek() != '(' {
		return nil, p.errf("expected '(' after %s", name)
	}
	p.pos++
	p.skip()
	if p.peek() == ')' {
		p.pos++
		return s, nil
	}
	for {
		p.skip()
		kwPos := p.pos
		if isIdentStart(p.peek()) {
			// keyword argument, a nested spec, or a bare word (inf, nan, true)
			save := p.pos
			word := p.ident()
			p.skip()
			if p.peek() == '=' {
				p.pos++
				p.skip()
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				for _, k := range s.Kwargs {
					if k.Name == word {
						return nil, &SyntaxError{Src: p.src, Pos: kwPos, Msg: fmt.Sprintf("keyword %s given twice", word)}
					}
				}
				s.Kwargs = append(s.Kwargs, Keyword{Name: word, Value: v, Pos: kwPos})
			} else {
				p.pos = save
				if len(s.Kwargs) > 0 {
					return nil, p.errf("positional argument after keyword arguments")
				}
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				s.Args = append(s.Args, v)
			}
		} else {
			if len(s.Kwargs) > 0 {
				return nil, p.errf("positional argument after keyword arguments")
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			s.Args = append(s.Args, v)
		}
		p.skip()
		switch p.peek() {
		case ',':
			p.pos++
			p.skip()
			if p.peek() == ')' { // trailing comma
				p.pos++
				return s, nil
			}
		case ')':
			p.pos++
			return s, nil
		case 0:
			return nil, p.errf("expected ',' or ')', found the end of the input")
		default:
			return nil, p.errf("expected ',' or ')', found %q", p.rest())
		}
	}
}

func (p *parser) value() (Value, error) {
	p.skip()
	pos := p.pos
	c := p.peek()
	switch {
	case c == '[' || c == '(':
		return p.list()
	case c == '-' || c == '+' || c == '.' || c >= '0' && c <= '9':
		return p.number()
	case isIdentStart(c):
		save := p.pos
		word := p.ident()
		switch strings.ToLower(word) {
		case "inf", "infinity", "math.inf", "float('inf')":
			return Value{Kind: NumberValue, Num: math.Inf(1), Pos: pos}, nil
		case "nan":
			return Value{Kind: NumberValue, Num: math.NaN(), Pos: pos}, nil
		case "true":
			return Value{Kind: BoolValue, Bool: true, Pos: pos}, nil
		case "false":
			return Value{Kind: BoolValue, Bool: false, Pos: pos}, nil
		case "torch.tensor", "tensor", "np.array", "numpy.array":
			p.skip()
			if p.peek() != '(' {
				return Value{}, p.errf("expected '(' after %s", word)
			}
			p.pos++
			v, err := p.value()
			if err != nil {
				return Value{}, err
			}
			p.skip()
			if p.peek() != ')' {
				return Value{}, p.errf("expected ')' to close %s(", word)
			}
			p.pos++
			return v, nil
		}
		p.pos = save
		s, err := p.spec()
		if err != nil {
			return Value{}, err
		}
		return Value{Kind: SpecValue, Spec: s, Pos: pos}, nil
	case c == 0:
		return Value{}, p.errf("expected a value, found the end of the input")
	}
	return Value{}, p.errf("expected a number, a list or a distribution, found %q", p.rest())
}

func (p *parser) number() (Value, error) {
	pos := p.pos
	start := p.pos
	if c := p.peek(); c == '-' || c == '+' {
		p.pos++
		if strings.HasPrefix(strings.ToLower(p.src[p.pos:]), "inf") {
			p.ident()
			x := math.Inf(1)
			if c == '-' {
				x = math.Inf(-1)
			}
			return Value{Kind: NumberValue, Num: x, Pos: pos}, nil
		}
	}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c >= '0' && c <= '9' || c == '.' || c == '_' {
			p.pos++
			continue
		}
		if (c == 'e' || c == 'E') && p.pos+1 < len(p.src) {
			p.pos++
			if d := p.src[p.pos]; d == '+' || d == '-' {
				p.pos++
			}
			continue
		}
		break
	}
	text := p.src[start:p.pos]
	x, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
	if err != nil {
		return Value{}, &SyntaxError{Src: p.src, Pos: pos, Msg: fmt.Sprintf("%q is not a number", text)}
	}
	return Value{Kind: NumberValue, Num: x, Pos: pos}, nil
}

func (p *parser) list() (Value, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return Value{}, p.errf("nesting deeper than %d", maxDepth)
	}
	pos := p.pos
	open := p.src[p.pos]
	closer := byte(']')
	if open == '(' {
		closer = ')'
	}
	p.pos++
	v := Value{Kind: ListValue, Pos: pos, List: []Value{}}
	p.skip()
	if p.peek() == closer {
		p.pos++
		return v, nil
	}
	for {
		p.skip()
		if isIdentStart(p.peek()) {
			save := p.pos
			word := p.ident()
			p.skip()
			if p.peek() == '=' {
				p.pos = save
				return Value{}, p.errf("expected ',' or '%c' in the list opened at column %d, found the keyword %s=", closer, pos+1, word)
			}
			p.pos = save
		}
		e, err := p.value()
		if err != nil {
			return Value{}, err
		}
		v.List = append(v.List, e)
		p.skip()
		switch p.peek() {
		case ',':
			p.pos++
			p.skip()
			if p.peek() == closer {
				p.pos++
				return v, nil
			}
		case closer:
			p.pos++
			return v, nil
		case 0:
			return Value{}, p.errf("expected ',' or '%c' in the list opened at column %d, found the end of the input", closer, pos+1)
		default:
			return Value{}, p.errf("expected ',' or '%c' in the list opened at column %d, found %q", closer, pos+1, p.rest())
		}
	}
}

// String formats a Spec back in the syntax Parse reads.
func (s *Spec) String() string {
	var b strings.Builder
	b.WriteString(s.Family)
	b.WriteByte('(')
	for i, a := range s.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
	for i, k := range s.Kwargs {
		if i > 0 || len(s.Args) > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k.Name)
		b.WriteByte('=')
		b.WriteString(k.Value.String())
	}
	b.WriteByte(')')
	return b.String()
}

// String formats a Value in spec syntax.
func (v Value) String() string {
	switch v.Kind {
	case NumberValue:
		switch {
		case math.IsInf(v.Num, 1):
			return "inf"
		case math.IsInf(v.Num, -1):
			return "-inf"
		case math.IsNaN(v.Num):
			return "nan"
		}
		return strconv.FormatFloat(v.Num, 'g', -1, 64)
	case BoolValue:
		if v.Bool {
			return "true"
		}
		return "false"
	case SpecValue:
		return v.Spec.String()
	}
	parts := make([]string, len(v.List))
	for i, e := range v.List {
		parts[i] = e.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
