package notify

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/beckonhq/beckon/validate"
)

// Header names and defaults of the Standard Webhooks spec.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"

	// SecretPrefix starts every serialized secret.
	SecretPrefix = "whsec_"

	// DefaultTolerance is how far a webhook-timestamp may be from the
	// receiver's clock when Verify is given no tolerance.
	DefaultTolerance = 5 * time.Minute
)

// The spec asks for 24 to 64 random bytes; NewSecret makes 32.
const (
	minKeyLen    = 24
	maxKeyLen    = 64
	newSecretLen = 32
)

// Errors of Sign and Verify; Verify wraps them with detail.
var (
	ErrBadSecret      = errors.New("notify: secret must be whsec_ followed by the base64 of at least 24 bytes")
	ErrBadID          = errors.New("notify: message id must be non-empty and contain no '.'")
	ErrMissingHeaders = errors.New("notify: webhook-id, webhook-timestamp and webhook-signature are required")
	ErrBadTimestamp   = errors.New("notify: webhook-timestamp is malformed or outside the tolerance")
	ErrBadSignature   = errors.New("notify: no matching v1 signature")
)

// Webhook is one receiving endpoint of a site owner.
type Webhook struct {
	URL    string
	Secret string // whsec_…, from NewSecret
}

// NewSecret returns a fresh signing secret: "whsec_" and the base64 of 32
// random bytes.
func NewSecret() string {
	key := make([]byte, newSecretLen)
	_, _ = rand.Read(key) // never fails (crypto/rand crashes the program instead)
	return SecretPrefix + base64.StdEncoding.EncodeToString(key)
}

// CheckSecret checks a secret an owner saves: "whsec_" and the standard
// base64 of 24 to 64 bytes, as the spec's libraries expect. It returns a
// *validate.Error without a field name (the caller names it; HTTP 422).
func CheckSecret(secret string) error {
	encoded, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return validate.Field("", "must start with %s (leave it empty and one is generated)", SecretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return validate.Field("", "must be %s followed by standard base64 (A-Z, a-z, 0-9, +, / and = padding)", SecretPrefix)
	}
	if len(key) < minKeyLen || len(key) > maxKeyLen {
		return validate.Field("", "must encode %d to %d random bytes, not %d", minKeyLen, maxKeyLen, len(key))
	}
	return nil
}

// Sign returns the webhook-signature value ("v1,<base64>") for a message
// with this id, attempt timestamp and body. Only the timestamp's seconds
// count, as in the header.
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := parseSecret(secret)
	if err != nil {
		return "", err
	}
	if id == "" || strings.Contains(id, ".") {
		// The signed content is "id.timestamp.body": a '.' in the id would
		// let one message's content be read as another's.
		return "", ErrBadID
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, id, ts.Unix(), body)), nil
}

// Verify is what a receiver does with a delivery: it checks that the
// webhook-timestamp is within tolerance of now (replays of old messages fail;
// tolerance <= 0 means DefaultTolerance) and that one of the v1 signatures in
// webhook-signature (several are allowed, for key rotation) is the MAC of
// this body under secret. The comparison takes constant time.
func Verify(secret string, header http.Header, body []byte, tolerance time.Duration) error {
	key, err := parseSecret(secret)
	if err != nil {
		return err
	}
	id, tsText := headerValue(header, HeaderID), headerValue(header, HeaderTimestamp)
	sigs := headerValues(header, HeaderSignature)
	if id == "" || tsText == "" || len(sigs) == 0 {
		return ErrMissingHeaders
	}
	unix, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q is not unix seconds", ErrBadTimestamp, tsText)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	now := time.Now()
	switch ts := time.Unix(unix, 0); {
	case ts.Before(now.Add(-tolerance)):
		return fmt.Errorf("%w: %s old", ErrBadTimestamp, now.Sub(ts).Round(time.Second))
	case ts.After(now.Add(tolerance)):
		return fmt.Errorf("%w: %s in the future", ErrBadTimestamp, ts.Sub(now).Round(time.Second))
	}
	want := mac(key, id, unix, body)
	for _, value := range sigs {
		for _, sig := range strings.Fields(value) {
			version, encoded, ok := strings.Cut(sig, ",")
			if !ok || version != "v1" {
				continue // another scheme (v1a) or junk: not ours to judge
			}
			got, err := base64.StdEncoding.DecodeString(encoded)
			if err == nil && hmac.Equal(got, want) {
				return nil
			}
		}
	}
	return ErrBadSignature
}

// mac is HMAC-SHA256(key, id + "." + unix + "." + body).
func mac(key []byte, id string, unix int64, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(id))
	h.Write([]byte{'.'})
	h.Write(strconv.AppendInt(nil, unix, 10))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// parseSecret decodes "whsec_<base64>"; like the spec's reference libraries
// it also takes the bare base64.
func parseSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(key) < minKeyLen {
		return nil, ErrBadSecret
	}
	return key, nil
}

// headerValues reads a header by its canonical name, falling back to the
// lowercase spelling for headers built by hand as map literals.
func headerValues(h http.Header, name string) []string {
	if v := h.Values(name); len(v) > 0 {
		return v
	}
	return h[name]
}

func headerValue(h http.Header, name string) string {
	if v := headerValues(h, name); len(v) > 0 {
		return v[0]
	}
	return ""
}
