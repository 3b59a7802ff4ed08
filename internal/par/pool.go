package par

import "sync"

// Pool is a free list of *T for scratch state reused across calls. Unlike
// sync.Pool it is never emptied by the garbage collector, so that a loop
// that takes and returns the same few values allocates nothing after
// warm-up, however often the collector runs. The zero value is empty and
// ready; New, when set, makes a value when the list is empty (otherwise
// new(T) is used). It is safe for concurrent use.
type Pool[T any] struct {
	New  func() *T
	mu   sync.Mutex
	free []*T
}

// Get returns a value from the list, or a new one.
func (p *Pool[T]) Get() *T {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		v := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return v
	}
	p.mu.Unlock()
	if p.New != nil {
		return p.New()
	}
	return new(T)
}

// Put returns v to the list. The list grows to the largest number of
// values in use at once.
func (p *Pool[T]) Put(v *T) {
	p.mu.Lock()
	p.free = append(p.free, v)
	p.mu.Unlock()
}
