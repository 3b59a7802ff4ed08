#!/usr/bin/env bash
# compare_all.sh runs every workload of ../shared/bench/SPEC.md against its
# peer with compare.py (3 rounds, A B A B ...), for the pure-Go build and the
# openblas build, and writes compare.py's output per workload and build into
# OUT (default /tmp/kldiv-compare). Needs: the shared bench folder, Debian's
# python3 with torch and scikit-learn (apt-get install -y python3-torch
# python3-sklearn), and for the openblas build libopenblas-dev. Run it on a
# quiet machine: another busy process slows torch several-fold.
#
#   bash internal/bench/scripts/compare_all.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=${1:-/tmp/kldiv-compare}
SHARED=${SHARED:-$(cd ../shared && pwd)}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${ROUNDS:-3}
# OpenBLAS on one thread, as the torch peers run it (SPEC.md): kldiv
# spreads its own work over GOMAXPROCS, and OpenBLAS's pthreads, which
# spin for about 0.1 s after the library loads and whenever they wait for
# work, take a core from it. Without this the openblas build's W1 (which
# calls no BLAS) measured up to 1.5x the pure-Go build's time in the first
# 0.1 s of the process; with it the two are equal (0.99).
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
mkdir -p "$OUT"
go build -o "$OUT/kldiv" ./cmd/kldiv
builds=(go)
if CGO_LDFLAGS="-lopenblas" go build -tags openblas -o "$OUT/kldiv-ob" ./cmd/kldiv 2>/dev/null; then
	builds+=(ob)
fi
declare -A peer=(
	[W1]=w1_kl_normal.py [W2]=w2_kl_mvn.py [W3]=w3_vi_logreg.py
	[W4]="w4_vae_mnist.py --epochs 1" [W5]=w5_gmm_sklearn.py [W6]=w6_kl_direction.py
)
for w in ${WORKLOADS:-W1 W2 W3 W4 W5 W6}; do
	for b in "${builds[@]}"; do
		bin="$OUT/kldiv"
		[ "$b" = ob ] && bin="$OUT/kldiv-ob"
		echo "== $w ($b build)" >&2
		(cd "$SHARED/bench" && "$PY" compare.py --rounds "$ROUNDS" \
			--a "$bin bench --data $SHARED/bench/data $w" \
			--b "$PY peer/${peer[$w]}") | tee "$OUT/$w-$b.txt"
	done
done
