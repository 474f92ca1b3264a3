package embedded

import "sync"

// signal wakes every goroutine waiting for a change, such as claimers
// waiting for a job. wait returns a channel that the next notify closes; a
// waiter takes it before it looks at the state, so a change made between
// its look and its wait is not missed.
type signal struct {
	mu sync.Mutex
	ch chan struct{}
}

func newSignal() *signal { return &signal{ch: make(chan struct{})} }

func (s *signal) wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ch
}

func (s *signal) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.ch)
	s.ch = make(chan struct{})
}
