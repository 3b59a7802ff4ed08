package dist

import (
	"errors"
	"math/rand/v2"
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
