package config

import (
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
