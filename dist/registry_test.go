package dist

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// testDist is a registry test family: a Normal under another type.
type testDist struct{ Normal }

// TestRegistryConcurrent registers and looks up pairs from many goroutines
// at once (run with -race): lookups always see a consistent registry and
// the values are right.
func TestRegistryConcurrent(t *testing.T) {
	p := Must(NewNormal(0.3, 1.2))
	q := Must(NewNormal(-0.5, 0.7))
	want := klScalar(t, p, q)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for i := 0; i < 200; i++ {
				if rng.IntN(10) == 0 {
					RegisterKL(func(a testDist, b Normal) (ad.Var, error) { return klNormalNormal(a.Normal, b) })
					_ = Pairs()
					continue
				}
				kl, err := KL(p, q)
				if err != nil {
					errs <- err
					return
				}
				if v := kl.Scalar(); v != want {
					errs <- errors.New("inconsistent KL value under concurrency")
					return
				}
				_ = HasKL(testDist{p}, q)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	kl, err := KL(testDist{p}, q)
	require.NoError(t, err, "the pair registered concurrently is there")
	assert.Equal(t, want, kl.Scalar())
}

// TestUnregisteredPairError names the pair and what is registered for P.
func TestUnregisteredPairError(t *testing.T) {
	_, err := KL(Must(NewStudentT(3, 0, 1)), Must(NewCauchy(0, 1)))
	require.ErrorIs(t, err, ErrNoKL)
	assert.Contains(t, err.Error(), "KL(StudentT || Cauchy)")
	assert.Contains(t, err.Error(), "registered for StudentT against")
	assert.Contains(t, err.Error(), "estimators")
}

// relabeled is a wrapper a user might write: another name for its base.
type relabeled struct{ Distribution }

// normalTwin is a Normal under another type, for a rule that computes.
type normalTwin struct{ Normal }

// TestRegisterKLRule registers a wrapper rule and a computing rule: before
// registration the pairs have no KL (and that answer is memoized), after
// it they resolve through the table, compose with the built-in rules, and
// are listed by Pairs; an exact pair registered later takes precedence.
func TestRegisterKLRule(t *testing.T) {
	n1 := Must(NewNormal(0.3, 1.2))
	n2 := Must(NewNormal(-0.5, 0.7))
	want := klScalar(t, n1, n2)
	require.False(t, HasKL(relabeled{n1}, n2))
	_, err := KL(relabeled{n1}, n2)
	require.ErrorIs(t, err, ErrNoKL)

	typeRelabeled := reflect.TypeFor[relabeled]()
	RegisterKLRule(KLRule{
		P: "relabeled(*)", Q: "*",
		Match: func(p, _ reflect.Type) bool { return p == typeRelabeled },
		Reduce: func(p, q Distribution) (Distribution, Distribution, error) {
			return p.(relabeled).Distribution, q, nil
		},
	})
	assert.True(t, HasKL(relabeled{n1}, n2), "the memo is cleared by a registration")
	kl, err := KL(relabeled{n1}, Independent{Base: n2})
	require.NoError(t, err)
	assert.Equal(t, want, kl.Scalar(), "relabeled against Independent reduces to Normal against Normal")
	assert.False(t, HasKL(relabeled{n1}, Must(NewStudentT(3, 0, 1))), "the reduced pair decides")

	calls := 0
	RegisterKLRule(KLRule{
		P: "normalTwin", Q: "Normal",
		Match: func(p, q reflect.Type) bool {
			return p == reflect.TypeFor[normalTwin]() && q == reflect.TypeFor[Normal]()
		},
		KL: func(p, q Distribution) (ad.Var, error) {
			calls++
			return klNormalNormal(p.(normalTwin).Normal, q.(Normal))
		},
	})
	kl, err = KL(normalTwin{n1}, Must(Expand(n2, 1, 1)))
	require.NoError(t, err)
	assert.InDelta(t, want, kl.Scalar(), 1e-15, "normalTwin against Expanded(Normal)")
	assert.Equal(t, 1, calls)
	assert.Contains(t, Pairs(), Pair{P: "relabeled(*)", Q: "*", Kind: Structural})
	assert.Contains(t, Pairs(), Pair{P: "normalTwin", Q: "Normal", Kind: ClosedForm})

	// An exact pair comes before every rule.
	RegisterKL(func(p normalTwin, q Normal) (ad.Var, error) { return ad.Scalar(42), nil })
	kl, err = KL(normalTwin{n1}, n2)
	require.NoError(t, err)
	assert.Equal(t, 42.0, kl.Scalar(), "the exact pair wins")
	assert.Equal(t, 1, calls, "the rule is not called")

	assert.PanicsWithValue(t, "dist: RegisterKLRule: want Match and exactly one of Reduce and KL", func() {
		RegisterKLRule(KLRule{Match: func(_, _ reflect.Type) bool { return false }})
	})
}

// TestRegistryLoopGuard: a rule that reduces a pair to itself gives an
// error, not a hang.
func TestRegistryLoopGuard(t *testing.T) {
	type selfLoop struct{ Normal }
	RegisterKLRule(KLRule{
		P: "selfLoop", Q: "*",
		Match:  func(p, _ reflect.Type) bool { return p == reflect.TypeFor[selfLoop]() },
		Reduce: func(p, q Distribution) (Distribution, Distribution, error) { return p, q, nil },
	})
	_, err := KL(selfLoop{Must(NewNormal(0, 1))}, Must(NewNormal(0, 1)))
	assert.ErrorContains(t, err, "more than 64 reductions")
	assert.False(t, HasKL(selfLoop{Must(NewNormal(0, 1))}, Must(NewNormal(0, 1))))
}
