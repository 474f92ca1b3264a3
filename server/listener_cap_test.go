package server

import "testing"

// TestConnCapFitsOpenFiles: the total connection cap leaves a fifth of the
// open-files limit (at least 64) to the store, webhooks, calls and files.
func TestConnCapFitsOpenFiles(t *testing.T) {
	for _, tc := range []struct {
		configured int
		limit      uint64
		want       int
	}{{16000, 20000, 16000}, {16000, 1024, 820}, {500, 1024, 500}, {16000, 0, 16000}, {16000, 50, 16}} {
		if got := connCap(tc.configured, tc.limit); got != tc.want {
			t.Errorf("connCap(%d, %d) = %d, want %d", tc.configured, tc.limit, got, tc.want)
		}
	}
}
