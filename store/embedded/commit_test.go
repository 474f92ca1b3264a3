package embedded

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestGroupCommitFailureIsItsOwn: a write that fails does not take the
// writes it shared a transaction with down, and its caller gets its error;
// a write that panics panics in its caller, not in the leader.
func TestGroupCommitFailureIsItsOwn(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bucket := []byte("test")
	if err := st.db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
		t.Fatal(err)
	}
	errRefused := errors.New("refused")
	const writers = 50
	var wg sync.WaitGroup
	errs := make([]error, writers)
	panicked := make([]any, writers)
	for i := range writers {
		wg.Go(func() {
			defer func() { panicked[i] = recover() }()
			errs[i] = st.batch(func(tx *bolt.Tx) error {
				key := fmt.Appendf(nil, "k%d", i)
				if err := tx.Bucket(bucket).Put(key, []byte("v")); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errRefused // after writing: all of this must be undone
				case 7:
					panic("boom")
				}
				return nil
			})
		})
	}
	wg.Wait()
	err = st.db.View(func(tx *bolt.Tx) error {
		for i := range writers {
			stored := tx.Bucket(bucket).Get(fmt.Appendf(nil, "k%d", i)) != nil
			switch i % 10 {
			case 3:
				if errs[i] != errRefused || stored {
					t.Errorf("failing write %d: error %v, stored %v; want its own error and nothing stored", i, errs[i], stored)
				}
			case 7:
				if panicked[i] != "boom" || stored {
					t.Errorf("panicking write %d: recovered %v, stored %v; want its panic in its caller", i, panicked[i], stored)
				}
			default:
				if errs[i] != nil || panicked[i] != nil || !stored {
					t.Errorf("write %d: error %v, panic %v, stored %v", i, errs[i], panicked[i], stored)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
