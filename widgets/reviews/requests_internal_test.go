package reviews

import (
	"testing"
	"time"
)

// TestTokenExpiresAndNamesItsWidget: a link works until its expiry and only
// for the widget it was made for, with the secret it was signed with.
func TestTokenExpiresAndNamesItsWidget(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := claims{Widget: "w1", OrderID: "A-1", Expires: now.Add(time.Hour).Unix(), Nonce: "n1"}
	tok, err := makeToken("secret-1", c)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := readToken("secret-1", "w1", tok, now); err != nil || got.OrderID != "A-1" || got.Nonce != "n1" {
		t.Fatalf("a fresh token: %+v, %v", got, err)
	}
	for _, tc := range []struct {
		name, secret, widget string
		at                   time.Time
	}{
		{"expired", "secret-1", "w1", now.Add(time.Hour)},
		{"another widget", "secret-1", "w2", now},
		{"another secret", "secret-2", "w1", now},
	} {
		if _, err := readToken(tc.secret, tc.widget, tok, tc.at); err != errBadToken {
			t.Errorf("%s: %v, want errBadToken", tc.name, err)
		}
	}
	for _, bad := range []string{"", "no-dot", tok + "x", "." + tok} {
		if _, err := readToken("secret-1", "w1", bad, now); err != errBadToken {
			t.Errorf("token %q: %v, want errBadToken", bad, err)
		}
	}
}
