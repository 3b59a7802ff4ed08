package vi_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// scaleModel has a real and a positive latent: y_i ~ N(mu, s), mu ~ N(0, 5),
// s ~ HalfNormal(2).
func scaleModel(y []float64) vi.Model {
	return func(p *vi.Program) {
		mu := p.Sample("mu", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(5)})
		s := p.Sample("s", dist.Must(dist.NewHalfNormal(2)))
		p.Observe("y", dist.Normal{Loc: mu, Scale: s}, p.Const(1, len(y), y))
	}
}

func colMean(m ad.Matrix) (mean, se float64) {
	n := float64(m.Rows)
	for _, v := range m.Data {
		mean += v / n
	}
	var ss float64
	for _, v := range m.Data {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / (n - 1) / n)
}

// TestSaveRestoreRoundTrip: saved parameters read back bit for bit, and a
// guide restored from the file draws from the same distribution as the
// fitted one (means and ELBO within 4 combined standard errors), for an
// autoguide, a full-rank autoguide and a hand-written guide whose
// parameters are created lazily.
func TestSaveRestoreRoundTrip(t *testing.T) {
	y := []float64{1.2, 0.4, 2.2, 1.9, 0.8, 1.1, 1.7, 0.3, 2.5, -0.2}
	model := scaleModel(y)
	hand := vi.GuideFunc(func(p *vi.Program) {
		m := p.Param("m", 1, 1, []float64{0}, nil)
		sd := p.Param("sd", 1, 1, []float64{0.3}, dist.Positive())
		ls := p.Param("ls", 1, 1, []float64{0}, nil)
		lsd := p.Param("lsd", 1, 1, []float64{0.3}, dist.Positive())
		p.Sample("mu", dist.Normal{Loc: m, Scale: sd})
		p.Sample("s", dist.LogNormal{Loc: ls, Scale: lsd})
	})
	for name, mk := range map[string]func() vi.Guide{
		"autonormal": func() vi.Guide { return autoguide.Normal() },
		"fullrank":   func() vi.Guide { return autoguide.MultivariateNormal() },
		"hand":       func() vi.Guide { return hand },
	} {
		path := filepath.Join(t.TempDir(), "guide.json")
		res, err := vi.Fit(context.Background(), model, mk(), elbo.Trace{Particles: 8}, optim.NewAdam(0.03),
			vi.MaxSteps(600), vi.Seed(3), vi.Draws(4000))
		require.NoError(t, err, name)
		require.NoError(t, vi.SaveParams(path, res.Params), name)

		saved, err := vi.LoadParams(path)
		require.NoError(t, err, name)
		require.Len(t, saved, len(res.Params.List()), name)
		for i, sp := range res.Params.List() {
			require.Equal(t, sp.Name, saved[i].Name, name)
			require.Equal(t, sp.Raw.Val, saved[i].Values, "%s: %s round-trips bit for bit", name, sp.Name)
		}

		back, err := vi.Restore(model, mk(), path, 4000, 11)
		require.NoError(t, err, name)
		require.Equal(t, "restored", back.StopReason)
		for i, sp := range back.Params.List() {
			require.Equal(t, res.Params.List()[i].Raw.Val, sp.Raw.Val, "%s: restored %s", name, sp.Name)
		}
		for _, site := range []string{"mu", "s"} {
			m1, se1 := colMean(res.Draws[site])
			m2, se2 := colMean(back.Draws[site])
			require.InDelta(t, m1, m2, 4*math.Hypot(se1, se2), "%s: mean of %s, fitted against restored", name, site)
		}
		require.InDelta(t, res.ELBO, back.ELBO, 4*math.Hypot(res.ELBOStdErr, back.ELBOStdErr), "%s: ELBO", name)
		require.False(t, math.IsNaN(back.KHat), name)
	}
}

// TestRestoreMismatch: a file from another guide is refused with an error
// naming the parameter.
func TestRestoreMismatch(t *testing.T) {
	y := []float64{1, 2, 3}
	model := scaleModel(y)
	path := filepath.Join(t.TempDir(), "guide.json")
	res, err := vi.Fit(context.Background(), model, autoguide.MultivariateNormal(), elbo.Trace{Particles: 2}, optim.NewAdam(0.03), vi.MaxSteps(5), vi.Draws(0))
	require.NoError(t, err)
	require.NoError(t, vi.SaveParams(path, res.Params))
	_, err = vi.Restore(model, autoguide.Normal(), path, 10, 1)
	require.Error(t, err)
	require.Contains(t, err.Error(), "parameter \"")

	// The same names with another shape.
	store := vi.NewParamStore()
	_, err = store.Add("a", 1, 2, nil)
	require.NoError(t, err)
	err = vi.SetParams(store, []vi.SavedParam{{Name: "a", Rows: 2, Cols: 1, Values: []float64{1, 2}}})
	require.ErrorContains(t, err, `parameter "a" is 1x2, saved as 2x1`)
	require.Equal(t, []float64{0, 0}, store.Get("a").Raw.Val, "nothing changed")
	err = vi.SetParams(store, []vi.SavedParam{{Name: "a", Rows: 1, Cols: 2, Values: []float64{1, 2}}, {Name: "b", Rows: 1, Cols: 1, Values: []float64{3}}})
	require.ErrorContains(t, err, `saved parameter "b" is not a parameter of the guide`)
	require.NoError(t, vi.SetParams(store, []vi.SavedParam{{Name: "a", Rows: 1, Cols: 2, Values: []float64{1, 2}}}))
	require.Equal(t, []float64{1, 2}, store.Get("a").Raw.Val)
}

func TestSaveParamsRefusesNonFinite(t *testing.T) {
	store := vi.NewParamStore()
	p, err := store.Add("w", 1, 2, nil)
	require.NoError(t, err)
	p.Val[1] = math.Inf(1)
	err = vi.SaveParams(filepath.Join(t.TempDir(), "x.json"), store)
	require.ErrorContains(t, err, `parameter "w" value 1 is +Inf`)
}

func TestReadParamsErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"format":"kldiv.params","version":1,"params":[{"name":"a","rows":1,"cols":2,"values":[1,2]}]}`, ""},
		{`{"format":"kldiv.params","version":1,"params":[]}`, ""},
		{`{"format":"other","version":1,"params":[]}`, `format "other"`},
		{`{"format":"kldiv.params","version":2,"params":[]}`, "version 2"},
		{`{"format":"kldiv.params","version":1,"params":[{"name":"","rows":1,"cols":1,"values":[1]}]}`, "parameter 0 has no name"},
		{`{"format":"kldiv.params","version":1,"params":[{"name":"a","rows":1,"cols":1,"values":[1]},{"name":"a","rows":1,"cols":1,"values":[1]}]}`, `"a" appears twice`},
		{`{"format":"kldiv.params","version":1,"params":[{"name":"a","rows":0,"cols":1,"values":[]}]}`, "shape 0x1"},
		{`{"format":"kldiv.params","version":1,"params":[{"name":"a","rows":1,"cols":3,"values":[1]}]}`, "1 values for shape 1x3"},
		{`{"format":"kldiv.params","version":1,"params":[{"name":"a","rows":4611686018427387904,"cols":4,"values":[1]}]}`, "shape"},
		{`{"format":"kldiv.params","version":1,"params":[],"extra":1}`, "not a parameter file"},
		{`{"format":"kldiv.params","version":1,"params":[]} {}`, "data after"},
		{`not json`, "not a parameter file"},
	} {
		ps, err := vi.ReadParams(strings.NewReader(c.in))
		if c.want == "" {
			require.NoError(t, err, c.in)
			for _, p := range ps {
				require.Len(t, p.Values, p.Rows*p.Cols)
			}
			continue
		}
		require.ErrorContains(t, err, c.want, c.in)
	}
}

// FuzzReadParams: the reader never panics, and what it accepts is
// consistent and survives a save and a load unchanged.
func FuzzReadParams(f *testing.F) {
	f.Add([]byte(`{"format":"kldiv.params","version":1,"params":[{"name":"a","rows":1,"cols":2,"values":[1,2.5e-300]}]}`))
	f.Add([]byte(`{"format":"kldiv.params","version":1,"params":[]}`))
	f.Add([]byte(`{"format":"kldiv.params","version":1,"params":[{"name":"a","rows":2,"cols":1,"values":[1]}]}`))
	f.Add([]byte(`{"format":"kldiv.params"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := vi.ReadParams(bytes.NewReader(data))
		if err != nil {
			return
		}
		store := vi.NewParamStore()
		for _, p := range ps {
			require.Len(t, p.Values, p.Rows*p.Cols)
			_, err := store.Add(p.Name, p.Rows, p.Cols, p.Values)
			require.NoError(t, err)
		}
		path := filepath.Join(t.TempDir(), "p.json")
		require.NoError(t, vi.SaveParams(path, store))
		back, err := vi.LoadParams(path)
		require.NoError(t, err)
		require.Equal(t, len(ps), len(back))
		for i := range ps {
			require.Equal(t, ps[i].Values, back[i].Values)
		}
		_ = os.Remove(path)
	})
}
