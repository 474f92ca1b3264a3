package config

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
)

func TestDefaults(t *testing.T) {
	c, err := Load(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.PublicURL != "http://localhost:8080" || c.RedisURL != "" {
		t.Fatalf("defaults: %+v", c)
	}
	if c.PublicOrigin() != "http://localhost:8080" {
		t.Fatal(c.PublicOrigin())
	}
}

func TestEnvironmentAndFlags(t *testing.T) {
	env := map[string]string{"BECKON_ADDR": ":9000", "BECKON_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8", "BECKON_PUBLIC_URL": "https://b.example/"}
	c, err := Load([]string{"-addr", ":9001"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9001" {
		t.Fatalf("flag must override env: %s", c.Addr)
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[0].String() != "127.0.0.1/32" {
		t.Fatalf("proxies: %v", c.TrustedProxies)
	}
	if c.PublicURL != "https://b.example" {
		t.Fatalf("public url: %s", c.PublicURL)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	for k, v := range map[string]string{
		"BECKON_PUBLIC_URL": "localhost:8080", "BECKON_TRUSTED_PROXIES": "proxy.example",
		"BECKON_LOG_LEVEL": "loud", "BECKON_PUBLIC_RATE": "-1", "BECKON_PUBLIC_BURST": "many",
	} {
		_, err := Load(nil, func(name string) string {
			if name == k {
				return v
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: %v", k, v, err)
		}
	}
}

// TestREADMEDocumentsEveryVariable keeps the README's table in step with Vars.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars {
		def := "(unset)"
		if v.Default != "" {
			def = "`" + v.Default + "`"
		}
		row := "| `" + v.Env + "` | `-" + v.Flag + "` | " + def + " | " + v.Help + " |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README lacks the row:\n%s", row)
		}
	}
}

// TestPublicURLFollowsTheListenAddress: with BECKON_PUBLIC_URL unset, the
// public URL (the demo's origin, the printed link) is where the server
// listens, not a fixed localhost:8080.
func TestPublicURLFollowsTheListenAddress(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":          "http://localhost:8080",
		":9123":          "http://localhost:9123",
		"127.0.0.1:9123": "http://127.0.0.1:9123",
		"0.0.0.0:9123":   "http://localhost:9123",
		"[::]:9123":      "http://localhost:9123",
		"[::1]:9123":     "http://[::1]:9123",
		"beckon.lan:80":  "http://beckon.lan:80",
	} {
		c, err := Load(nil, func(k string) string { return map[string]string{"BECKON_ADDR": addr}[k] })
		if err != nil || c.PublicURL != want {
			t.Errorf("BECKON_ADDR=%s: public URL %q (%v), want %q", addr, c.PublicURL, err, want)
		}
	}
	env := map[string]string{"BECKON_ADDR": ":9123", "BECKON_PUBLIC_URL": "https://beckon.example:443/"}
	c, err := Load(nil, func(k string) string { return env[k] })
	if err != nil || c.PublicURL != "https://beckon.example:443" || c.PublicOrigin() != "https://beckon.example" {
		t.Fatalf("a set public URL must win: %q %q %v", c.PublicURL, c.PublicOrigin(), err)
	}
}

// TestHelpNeverShowsSecrets: -h is ErrHelp (the binary exits 0 on it), and
// the help shows a secret from the environment only as "set".
func TestHelpNeverShowsSecrets(t *testing.T) {
	env := map[string]string{"BECKON_ADMIN_TOKEN": "admin-s3cret", "BECKON_TWILIO_AUTH_TOKEN": "twilio-s3cret",
		"BECKON_REDIS_URL": "redis://beckon:redis-s3cret@10.0.0.5:6379/0", "BECKON_ADDR": ":9123"}
	getenv := func(k string) string { return env[k] }
	for _, args := range [][]string{{"-h"}, {"-help"}, {"--help"}} {
		if _, err := Load(args, getenv); !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%v: %v, want flag.ErrHelp", args, err)
		}
	}
	var help strings.Builder
	Usage(&help, getenv)
	for _, s := range []string{"admin-s3cret", "twilio-s3cret", "redis-s3cret"} {
		if strings.Contains(help.String(), s) {
			t.Fatalf("help shows a secret %q:\n%s", s, help.String())
		}
	}
	for _, want := range []string{"-addr  $BECKON_ADDR", `from the environment: ":9123"`, "-admin-token  $BECKON_ADMIN_TOKEN", "set (not shown)", "redis://beckon:xxxxx@10.0.0.5:6379/0"} {
		if !strings.Contains(help.String(), want) {
			t.Fatalf("help lacks %q:\n%s", want, help.String())
		}
	}
	_, err := Load([]string{"-nope"}, getenv)
	if err == nil || !strings.Contains(err.Error(), "-h") {
		t.Fatalf("unknown flag: %v", err)
	}
}
