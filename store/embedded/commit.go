package embedded

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// maxGroup bounds how many writes share one transaction.
const maxGroup = 1000

// groupCommit lets concurrent writers share a transaction, and so its fsync,
// which is most of a write's cost (two fsyncs, 0.5-5 ms on a VPS disk).
//
// bbolt's db.Batch does the same but gathers a group for a fixed delay
// before it commits: a delay shorter than a commit keeps groups small
// while transactions queue for bbolt's one writer, so under load the queue
// grows without bound (the end-to-end callback benchmark at 200 requests/s
// fell seconds behind); a delay longer than a commit is added to every lone
// write. Here a leader commits as soon as the previous transaction ends,
// taking every write that arrived meanwhile: a lone write waits for one
// commit, and under load the groups grow with the commit time.
type groupCommit struct {
	db      *bolt.DB
	mu      sync.Mutex
	queue   []*pendingWrite
	leading bool // a leader goroutine is committing groups
}

type pendingWrite struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// errRunAlone tells a writer that its function failed inside a group: the
// group went on without it, and it runs again alone so that its error (or
// panic) is its own and reaches the caller.
var errRunAlone = errors.New("run alone")

// batch runs fn in a read-write transaction shared with concurrent writers,
// like db.Batch: fn may run more than once, because when another function
// of its group fails, the group's transaction is rolled back and run again
// without it.
func (s *Store) batch(fn func(*bolt.Tx) error) error {
	g := s.commits
	w := &pendingWrite{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, w)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	if lead {
		go g.lead()
	}
	err := <-w.done
	if err == errRunAlone {
		return g.db.Update(fn)
	}
	return err
}

// lead commits groups until no write is waiting.
func (g *groupCommit) lead() {
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxGroup)
		group := slices.Clone(g.queue[:n])
		g.queue = g.queue[n:]
		if n == 0 {
			g.leading = false
			g.queue = nil
		}
		g.mu.Unlock()
		if n == 0 {
			return
		}
		g.commit(group)
	}
}

// commit runs group in one transaction; a function that fails is taken out
// and told to run alone, and the rest run again.
func (g *groupCommit) commit(group []*pendingWrite) {
	for len(group) > 0 {
		failed := -1
		err := g.db.Update(func(tx *bolt.Tx) error {
			for i, w := range group {
				if err := callSafely(w.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, w := range group {
				w.done <- err // nil, or the commit's own failure
			}
			return
		}
		group[failed].done <- errRunAlone
		group = slices.Delete(group, failed, failed+1)
	}
}

// callSafely turns a panic of fn into an error, so that it does not take the
// leader down; run again alone, fn panics in its caller's goroutine.
func callSafely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return fn(tx)
}
