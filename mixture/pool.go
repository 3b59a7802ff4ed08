package mixture

import (
	"sync"
	"sync/atomic"
)

// pool runs a function over a fixed set of chunks with a fixed set of
// goroutines, started once per fit, so that an iteration allocates
// nothing. Which goroutine takes which chunk varies; what is computed per
// chunk does not, so results do not depend on the number of workers.
type pool struct {
	workers, nchunk int
	fn              func(c, w int)
	next            atomic.Int64
	wg              sync.WaitGroup
	start           []chan struct{}
}

func newPool(workers, nchunk int) *pool {
	p := &pool{workers: max(workers, 1), nchunk: nchunk}
	if p.workers > 1 {
		p.start = make([]chan struct{}, p.workers)
		for w := range p.start {
			p.start[w] = make(chan struct{})
			go p.loop(w)
		}
	}
	return p
}

func (p *pool) loop(w int) {
	for range p.start[w] {
		p.drain(w)
		p.wg.Done()
	}
}

func (p *pool) drain(w int) {
	for {
		c := int(p.next.Add(1) - 1)
		if c >= p.nchunk {
			return
		}
		p.fn(c, w)
	}
}

func (p *pool) run(fn func(c, w int)) {
	p.fn = fn
	p.next.Store(0)
	if p.workers == 1 {
		p.drain(0)
		return
	}
	p.wg.Add(p.workers)
	for _, ch := range p.start {
		ch <- struct{}{}
	}
	p.wg.Wait()
}

func (p *pool) close() {
	for _, ch := range p.start {
		close(ch)
	}
	p.start = nil
}
