package embedded

import (
	"encoding/binary"
	"math"
	"time"
)

// Keys that must sort by time start with the time as 8 big-endian bytes of
// Unix nanoseconds, so bbolt's byte order is time order. Times outside what
// an int64 of nanoseconds holds (before 1970 here, after 2262) are clamped.

func timeBytes(t time.Time) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(clampNanos(t)))
}

func bytesTime(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[:8]))).UTC()
}

func clampNanos(t time.Time) int64 {
	switch {
	case t.Unix() < 0:
		return 0
	case t.Unix() >= math.MaxInt64/int64(time.Second):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// timeKey is a time-ordered key: the time, then id to tell equal times apart.
func timeKey(t time.Time, id []byte) []byte { return append(timeBytes(t), id...) }
