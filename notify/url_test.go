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
		{"https://[2001:db8::1]/hook", ""},
		{"http://127.0.0.1/hook", ""}, // shape only: the dialer decides about addresses
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
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			err := CheckURL(tc.url)
			if tc.wantMsg == "" {
				if err != nil {
					t.Fatalf("CheckURL: %v, want nil", err)
				}
				return
			}
			var ve *validate.Error
			if !errors.As(err, &ve) || ve.Field != "url" {
				t.Fatalf("CheckURL: %#v, want a *validate.Error for url", err)
			}
			if !strings.Contains(ve.Message, tc.wantMsg) {
				t.Fatalf("CheckURL message %q does not mention %q", ve.Message, tc.wantMsg)
			}
		})
	}
}
