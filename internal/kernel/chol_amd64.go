//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

func init() { resetChol() }

func cholOffAsm(k int, a, b, c *float64, s int, inv *float64) {
	cholOffAVX512(k, a, b, c, s, inv)
}

func cholDiagAsm(k int, a, c *float64, s int, inv *float64) {
	cholDiagAVX512(k, a, c, s, inv)
}

func trsmLowerAsm(k int, a *float64, sa int, b, c *float64, s int, inv *float64) {
	trsmLowerAVX512(k, a, sa, b, c, s, inv)
}

// cholPaths lists the block-kernel paths this CPU can run, for tests.
func cholPaths() map[string]func() {
	p := map[string]func(){"go": func() { cholAsm, trilAsm = false, false }}
	if cpu.X86.HasAVX512F {
		p["avx512"] = func() { cholAsm, trilAsm = true, cpu.X86.HasAVX512DQ }
	}
	return p
}

// resetChol restores the path chosen at start-up: AVX-512 when present
// (there is no AVX2 variant: 16 accumulators need the 32 zmm registers);
// TrilOK's kernel also needs AVX-512 DQ (VFPCLASSPD, byte mask
// instructions).
func resetChol() {
	cholAsm = cpu.X86.HasAVX512F
	trilAsm = cholAsm && cpu.X86.HasAVX512DQ
}
