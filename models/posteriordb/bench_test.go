package posteriordb

import (
	"math/rand/v2"
	"testing"

	"github.com/kldiv/kldiv/ad"
)

// BenchmarkLogJoint times one evaluation of LogJoint and its gradient for
// 8 particles.
func BenchmarkLogJoint(b *testing.B) {
	for _, name := range Names() {
		b.Run(name, func(b *testing.B) {
			p, err := Load(name)
			if err != nil {
				b.Fatal(err)
			}
			const s = 8
			z := randomPoints(b, p, rand.New(rand.NewPCG(1, 1)), s, 1)
			t := ad.NewTape()
			b.ReportAllocs()
			for b.Loop() {
				t.Reset()
				zv := t.Input(s, p.Dim, z)
				t.Backward(ad.Sum(p.Model.LogJoint(t, zv)))
			}
		})
	}
}
