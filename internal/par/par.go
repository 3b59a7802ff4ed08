// Package par splits loops over independent items across goroutines.
// Results never depend on the number of goroutines: each item is computed
// by exactly one worker and nothing is reduced across workers.
//
// The workers are long-lived goroutines started on first use (up to
// GOMAXPROCS-1 of them, besides the caller), so that a parallel loop in
// steady state allocates nothing: no goroutine, closure or WaitGroup per
// call. The body passed to For escapes to the heap; callers on hot paths
// that must not allocate pass a func value built once (a method value of a
// pooled or long-lived struct) rather than a fresh closure.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// job is one parallel loop: its chunks are claimed by the caller and by
// the helpers it recruited through an atomic counter.
type job struct {
	body    func(lo, hi int)
	n       int
	chunk   int
	nchunks int64
	next    atomic.Int64
	// refs counts the goroutines still inside run: the caller and each
	// helper it handed the job to. The last one out signals done (unless
	// it is the caller, which then does not wait).
	refs atomic.Int64
	done chan struct{}
}

// run claims and computes chunks until none is left.
func (j *job) run() {
	for {
		c := j.next.Add(1) - 1
		if c >= j.nchunks {
			return
		}
		lo := int(c) * j.chunk
		j.body(lo, min(lo+j.chunk, j.n))
	}
}

var (
	jobs    = make(chan *job) // unbuffered: a send succeeds only into an idle worker
	workers atomic.Int64      // started so far
	startMu sync.Mutex
	pool    = Pool[job]{New: func() *job { return &job{done: make(chan struct{}, 1)} }}
)

func worker() {
	for j := range jobs {
		j.run()
		if j.refs.Add(-1) == 0 {
			j.done <- struct{}{}
		}
	}
}

// ensureWorkers starts workers until there are at least k.
func ensureWorkers(k int) {
	if int(workers.Load()) >= k {
		return
	}
	startMu.Lock()
	for int(workers.Load()) < k {
		workers.Add(1)
		go worker()
	}
	startMu.Unlock()
}

// For calls body(lo, hi) over consecutive chunks that cover [0, n), each
// index exactly once. When n is below minPar, or only one processor is
// available, it calls body(0, n) on the calling goroutine. Otherwise the
// caller works on the chunks itself together with whichever idle workers
// it finds (none are waited for), so nested calls cannot deadlock. A panic
// in body on a worker goroutine crashes the program, as in a goroutine of
// its own.
func For(n, minPar int, body func(lo, hi int)) { forChunks(n, minPar, 1, body) }

// ForFine is For with about 4 chunks per processor instead of one, for a
// loop of a few dozen equal items whose total is short (tens to hundreds
// of microseconds): a helper that wakes late then takes fewer chunks
// instead of the caller waiting for it. The cost is one atomic claim per
// chunk and as many calls of body.
func ForFine(n, minPar int, body func(lo, hi int)) { forChunks(n, minPar, 4, body) }

// forChunks is For with perProc chunks per processor.
func forChunks(n, minPar, perProc int, body func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if n < minPar || w < 2 || n < 2 {
		body(0, n)
		return
	}
	w = min(w, n)
	ensureWorkers(w - 1)
	j := pool.Get()
	j.body, j.n = body, n
	j.chunk = max(1, (n+w*perProc-1)/(w*perProc))
	j.nchunks = int64((n + j.chunk - 1) / j.chunk)
	j.next.Store(0)
	j.refs.Store(1)
recruit:
	for range min(j.nchunks, int64(w)) - 1 {
		j.refs.Add(1)
		select {
		case jobs <- j:
		default:
			j.refs.Add(-1)
			break recruit
		}
	}
	j.run()
	if j.refs.Add(-1) != 0 {
		<-j.done
	}
	j.body = nil
	pool.Put(j)
}
