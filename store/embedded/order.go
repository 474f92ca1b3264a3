package embedded

import (
	"encoding/binary"
	"time"

	"github.com/beckonhq/beckon/store"
)

// Keys that must sort by time start with the time as 8 big-endian bytes of
// Unix nanoseconds, so bbolt's byte order is time order. Times outside what
// an int64 of nanoseconds holds (before 1970 here, after 2262) are clamped.
func timeBytes(t time.Time) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(store.UnixNanos(t)))
}

func bytesTime(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[:8]))).UTC()
}

// timeKey is a time-ordered key: the time, then id to tell equal times apart.
func timeKey(t time.Time, id []byte) []byte { return append(timeBytes(t), id...) }
