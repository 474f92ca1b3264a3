package notify

import (
	"errors"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/validate"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url     string
		wantMsg string // "" for valid; else a part of the message
	}{
		{"https://shop.example/hooks/beckon", ""},
		{"http://shop.example:8080/hooks?token=abc", ""},
		{"HTTPS://Shop.Example/hook", ""},
		{"https://[2a00:1450:4001::1]/hook", ""},
		{"https://93.184.215.14/hook", ""},
		{"https://hooks.example.com./x", ""},
		{"", "required"},
		{"shop.example/hook", "https://"},
		{"/hooks/beckon", "https://"},
		{"ftp://shop.example/hook", "https://"},
		{"javascript:alert(1)", "https://"},
		{"https:shop.example", "host"},
		{"https:///hook", "host"},
		{"https://user:pass@shop.example/hook", "user name or password"},
		{"https://token@shop.example/hook", "user name or password"},
		{"https://shop.example:0/hook", "port"},
		{"https://shop.example:99999/hook", "port"},
		{"https://shop.example/\x7f", "not a valid URL"},
		{"https://shop.example/" + strings.Repeat("a", maxURLLen), "at most"},
		// Hosts that can only be internal: the sender's guard would refuse
		// every attempt, so they are refused when saved.
		{"http://127.0.0.1/hook", "internal"},
		{"http://127.0.0.1:8080/hook", "internal"},
		{"http://10.0.0.5/hook", "internal"},
		{"http://192.168.1.1/hook", "internal"},
		{"http://172.16.0.1/hook", "internal"},
		{"http://169.254.169.254/latest/meta-data", "internal"},
		{"http://100.64.0.1/hook", "internal"},
		{"http://0.0.0.0/hook", "internal"},
		{"http://[::1]/hook", "internal"},
		{"http://[::ffff:127.0.0.1]/hook", "internal"},
		{"http://[fe80::1%25eth0]/hook", "internal"},
		{"http://localhost/hook", "internal"},
		{"http://LocalHost./hook", "internal"},
		{"http://api.localhost/hook", "internal"},
		{"http://printer.local/hook", "internal"},
		{"http://crm.internal/hook", "internal"},
		{"http://router.home.arpa/hook", "internal"},
		{"http://intranet/hook", "internal"},
		{"http://2130706433/hook", "internal"},
		{"http://127.1/hook", "internal"},
		{"http://0x7f.0.0.1/hook", "internal"},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			err := CheckURL(tc.url, false)
			if tc.wantMsg == "" {
				if err != nil {
					t.Fatalf("CheckURL: %v, want nil", err)
				}
				return
			}
			var ve *validate.Error
			if !errors.As(err, &ve) {
				t.Fatalf("CheckURL: %#v, want a *validate.Error", err)
			}
			if !strings.Contains(ve.Message, tc.wantMsg) {
				t.Fatalf("CheckURL message %q does not mention %q", ve.Message, tc.wantMsg)
			}
		})
	}
}

// TestCheckURLAllowPrivate: an operator whose receivers are internal may
// save them; the shape is still checked.
func TestCheckURLAllowPrivate(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://crm.internal/x", "http://10.0.0.5/"} {
		if err := CheckURL(u, true); err != nil {
			t.Errorf("CheckURL(%s, allow private): %v", u, err)
		}
	}
	if err := CheckURL("ftp://127.0.0.1/", true); err == nil {
		t.Error("ftp:// accepted with allow private")
	}
}
