package leads

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// A cursor is opaque to clients: the last lead of a page (its creation
// time in nanoseconds and its id), base64url. Clients pass it back as is.

func encodeCursor(c store.LeadCursor) string {
	raw := strconv.FormatInt(c.CreatedAt.UnixNano(), 10) + "." + c.ID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(s string) (store.LeadCursor, error) {
	bad := validate.Field("cursor", "is not a cursor this API gave; pass next_cursor of the previous page as is")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return store.LeadCursor{}, bad
	}
	nanos, id, ok := strings.Cut(string(raw), ".")
	if !ok || id == "" {
		return store.LeadCursor{}, bad
	}
	n, err := strconv.ParseInt(nanos, 10, 64)
	if err != nil || n < 0 {
		return store.LeadCursor{}, bad
	}
	return store.LeadCursor{CreatedAt: time.Unix(0, n).UTC(), ID: id}, nil
}
