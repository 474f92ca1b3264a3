package notify

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The known answer of the spec's reference libraries
// (standard-webhooks libraries/go/webhook_test.go, TestWebhookSign).
func TestSignSpecVector(t *testing.T) {
	got, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestNewSecret(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if a == b {
		t.Fatal("two secrets are equal")
	}
	if !strings.HasPrefix(a, SecretPrefix) {
		t.Fatalf("secret %q lacks %s", a, SecretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, SecretPrefix))
	if err != nil || len(key) != 32 {
		t.Fatalf("secret decodes to %d bytes, %v; want 32", len(key), err)
	}
	if _, err := Sign(a, "msg_1", time.Now(), nil); err != nil {
		t.Fatalf("Sign with a new secret: %v", err)
	}
}

func TestSignRejects(t *testing.T) {
	secret := NewSecret()
	for name, tc := range map[string]struct {
		secret, id string
		want       error
	}{
		"secret not base64":   {"whsec_!!!", "msg_1", ErrBadSecret},
		"secret too short":    {"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 16)), "msg_1", ErrBadSecret},
		"empty secret":        {"", "msg_1", ErrBadSecret},
		"empty id":            {secret, "", ErrBadID},
		"id with a separator": {secret, "msg.1", ErrBadID},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Sign(tc.secret, tc.id, time.Now(), []byte("{}")); !errors.Is(err, tc.want) {
				t.Fatalf("Sign: %v, want %v", err, tc.want)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	secret := NewSecret()
	body := []byte(`{"type":"callback.connected","timestamp":"2026-03-01T10:00:00Z","data":{"id":"cb_1"}}`)
	now := time.Now()

	// signed returns the headers of a delivery of body made at ts.
	signed := func(t *testing.T, ts time.Time) http.Header {
		t.Helper()
		sig, err := Sign(secret, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", ts, body)
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		h.Set(HeaderID, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
		h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
		h.Set(HeaderSignature, sig)
		return h
	}

	tests := []struct {
		name   string
		ts     time.Time
		secret string
		body   []byte
		edit   func(h http.Header)
		want   error // nil: verifies
	}{
		{name: "valid", ts: now},
		{name: "valid at the edge of tolerance", ts: now.Add(-4 * time.Minute)},
		{name: "body altered", ts: now, body: append(append([]byte{}, body...), ' '), want: ErrBadSignature},
		{name: "other secret", ts: now, secret: NewSecret(), want: ErrBadSignature},
		{name: "timestamp header altered", ts: now, want: ErrBadSignature, edit: func(h http.Header) {
			h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix()+1, 10))
		}},
		{name: "id altered", ts: now, want: ErrBadSignature, edit: func(h http.Header) {
			h.Set(HeaderID, "msg_other")
		}},
		{name: "too old (replay)", ts: now.Add(-6 * time.Minute), want: ErrBadTimestamp},
		{name: "too new", ts: now.Add(6 * time.Minute), want: ErrBadTimestamp},
		{name: "timestamp not a number", ts: now, want: ErrBadTimestamp, edit: func(h http.Header) {
			h.Set(HeaderTimestamp, "2026-03-01T10:00:00Z")
		}},
		{name: "signature missing", ts: now, want: ErrMissingHeaders, edit: func(h http.Header) {
			h.Del(HeaderSignature)
		}},
		{name: "id missing", ts: now, want: ErrMissingHeaders, edit: func(h http.Header) {
			h.Del(HeaderID)
		}},
		{name: "rotation: one of several signatures matches", ts: now, edit: func(h http.Header) {
			h.Set(HeaderSignature, "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a,AAAA "+h.Get(HeaderSignature))
		}},
		{name: "right MAC under another version", ts: now, want: ErrBadSignature, edit: func(h http.Header) {
			h.Set(HeaderSignature, "v2,"+strings.TrimPrefix(h.Get(HeaderSignature), "v1,"))
		}},
		{name: "signature not base64", ts: now, want: ErrBadSignature, edit: func(h http.Header) {
			h.Set(HeaderSignature, "v1,***")
		}},
		{name: "lowercase header map built by hand", ts: now, edit: func(h http.Header) {
			for k, v := range h {
				delete(h, k)
				h[strings.ToLower(k)] = v
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := signed(t, tc.ts)
			if tc.edit != nil {
				tc.edit(h)
			}
			s, b := secret, body
			if tc.secret != "" {
				s = tc.secret
			}
			if tc.body != nil {
				b = tc.body
			}
			err := Verify(s, h, b, 5*time.Minute)
			if tc.want == nil && err != nil {
				t.Fatalf("Verify: %v, want success", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Verify: %v, want %v", err, tc.want)
			}
		})
	}

	t.Run("zero tolerance means the default", func(t *testing.T) {
		if err := Verify(secret, signed(t, now.Add(-time.Minute)), body, 0); err != nil {
			t.Fatal(err)
		}
		if err := Verify(secret, signed(t, now.Add(-DefaultTolerance-time.Minute)), body, 0); !errors.Is(err, ErrBadTimestamp) {
			t.Fatalf("Verify: %v, want %v", err, ErrBadTimestamp)
		}
	})
}

// TestCheckSecret: what an owner may save as notify_secret. "nope" (the
// case that used to be accepted and silently broke every webhook) and
// other malformed secrets are refused; the spec's own example and
// generated ones pass.
func TestCheckSecret(t *testing.T) {
	for _, ok := range []string{NewSecret(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 64))} {
		if err := CheckSecret(ok); err != nil {
			t.Errorf("CheckSecret(%q): %v", ok, err)
		}
	}
	for secret, want := range map[string]string{
		"nope":                             "must start with whsec_",
		"":                                 "must start with whsec_",
		"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw": "must start with whsec_",
		"whsec_":                           "not 0",
		"whsec_!!!":                        "base64",
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=":                      "base64",
		"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 16)): "24 to 64",
		"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 65)): "24 to 64",
	} {
		err := CheckSecret(secret)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckSecret(%q) = %v, want an error mentioning %q", secret, err, want)
		}
	}
}
