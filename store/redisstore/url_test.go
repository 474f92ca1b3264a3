package redisstore

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		url   string
		check func(t *testing.T, o *redis.UniversalOptions)
	}{
		{"redis://localhost:6379/0", func(t *testing.T, o *redis.UniversalOptions) {
			want(t, "addrs", o.Addrs, []string{"localhost:6379"})
			want(t, "db", o.DB, 0)
			want(t, "tls", o.TLSConfig == nil, true)
			want(t, "client", clientKind(o), "single")
		}},
		{"redis://user:p%40ss@10.0.0.1:6380/3?dial_timeout=2s&pool_size=7", func(t *testing.T, o *redis.UniversalOptions) {
			want(t, "addrs", o.Addrs, []string{"10.0.0.1:6380"})
			want(t, "user", o.Username, "user")
			want(t, "password", o.Password, "p@ss")
			want(t, "db", o.DB, 3)
			want(t, "dial timeout", o.DialTimeout, 2*time.Second)
			want(t, "pool size", o.PoolSize, 7)
		}},
		{"redis://cache", func(t *testing.T, o *redis.UniversalOptions) {
			want(t, "addrs", o.Addrs, []string{"cache:6379"})
		}},
		{"rediss://:secret@redis.example.com:6380", func(t *testing.T, o *redis.UniversalOptions) {
			want(t, "password", o.Password, "secret")
			want(t, "tls", o.TLSConfig != nil, true)
			want(t, "tls server name", o.TLSConfig.ServerName, "redis.example.com")
		}},
		{"redis+sentinel://s1:26379,s2:26380,s3/mymaster", func(t *testing.T, o *redis.UniversalOptions) {
			want(t, "addrs", o.Addrs, []string{"s1:26379", "s2:26380", "s3:26379"})
			want(t, "master", o.MasterName, "mymaster")
			want(t, "db", o.DB, 0)
			want(t, "client", clientKind(o), "sentinel")
		}},
		{"redis+sentinel://app:pw@s1,[::1]:26379/mymaster?db=2&sentinel_password=sp%26x&sentinel_username=su", func(t *testing.T, o *redis.UniversalOptions) {
			want(t, "addrs", o.Addrs, []string{"s1:26379", "[::1]:26379"})
			want(t, "user", o.Username, "app")
			want(t, "password", o.Password, "pw")
			want(t, "db", o.DB, 2)
			want(t, "sentinel user", o.SentinelUsername, "su")
			want(t, "sentinel password", o.SentinelPassword, "sp&x")
		}},
		{"rediss+sentinel://s1/mymaster", func(t *testing.T, o *redis.UniversalOptions) {
			want(t, "tls", o.TLSConfig != nil, true)
		}},
		{"redis+cluster://n1:7000,n2:7001,n3", func(t *testing.T, o *redis.UniversalOptions) {
			want(t, "addrs", o.Addrs, []string{"n1:7000", "n2:7001", "n3:6379"})
			want(t, "client", clientKind(o), "cluster")
		}},
		{"redis+cluster://n1:7000", func(t *testing.T, o *redis.UniversalOptions) {
			want(t, "client", clientKind(o), "cluster") // one seed is still a cluster
		}},
		{"rediss+cluster://user:pw@n1:7000,n2:7001/", func(t *testing.T, o *redis.UniversalOptions) {
			want(t, "user", o.Username, "user")
			want(t, "password", o.Password, "pw")
			want(t, "tls", o.TLSConfig != nil, true)
			want(t, "tls server name", o.TLSConfig.ServerName, "") // checked per node
		}},
		{"REDIS+CLUSTER://n1", func(t *testing.T, o *redis.UniversalOptions) {
			want(t, "client", clientKind(o), "cluster")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			o, err := ParseURL(tc.url)
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			tc.check(t, o)
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		url  string
		want string // in the error
	}{
		{"localhost:6379", "no scheme"},
		{"http://localhost", `unsupported scheme "http"`},
		{"redis://localhost/x", "database number"},
		{"redis://localhost/0?bogus=1", "bogus"},
		{"redis+sentinel://s1:26379", "must name the master"},
		{"redis+sentinel://s1:26379/", "must name the master"},
		{"redis+sentinel://s1/mymaster/2", "?db=N"},
		{"redis+sentinel://s1/mymaster?db=x", `db="x"`},
		{"redis+sentinel://s1/mymaster?db=-1", `db="-1"`},
		{"redis+sentinel://s1/mymaster?master=m", "unknown query parameters master (supported: db, sentinel_username, sentinel_password)"},
		{"redis+sentinel://s1/mymaster?db=1&db=2", "db given 2 times"},
		{"redis+sentinel:///mymaster", "no hosts"},
		{"redis+cluster://n1,,n2", "empty entry"},
		{"redis+cluster://n1:notaport", `"n1:notaport"`},
		{"redis+cluster://n1:70000", `"n1:70000" has no valid port`},
		{"redis+cluster://:7000", `":7000"`},
		{"redis+cluster://n1/0", "no path expected"},
		{"redis+cluster://n1?read_only=true", "unknown query parameters read_only (none are supported)"},
		{"redis+cluster://n1#frag", "fragment"},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			_, err := ParseURL(tc.url)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseURL(%q) = %v, want an error containing %q", tc.url, err, tc.want)
			}
		})
	}
}

// TestParseURLErrorsHidePasswords: errors end up in logs.
func TestParseURLErrorsHidePasswords(t *testing.T) {
	for _, u := range []string{
		"redis://user:hunter2@host:badport/0",
		"redis+cluster://user:hunter2@n1:badport",
		"redis+sentinel://user:hunter2@s1/m?sentinel_password=hunter2&x=%zz",
	} {
		_, err := ParseURL(u)
		if err == nil {
			t.Fatalf("ParseURL(%q) succeeded", u)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseURL(%q) error shows the password: %v", u, err)
		}
	}
}

// clientKind is what redis.NewUniversalClient would build from o.
func clientKind(o *redis.UniversalOptions) string {
	c := redis.NewUniversalClient(o)
	defer c.Close()
	switch c.(type) {
	case *redis.ClusterClient:
		return "cluster"
	case *redis.Client:
		if o.MasterName != "" {
			return "sentinel"
		}
		return "single"
	}
	return "other"
}

func want[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func equal[T any](a, b T) bool {
	if as, ok := any(a).([]string); ok {
		return slices.Equal(as, any(b).([]string))
	}
	return any(a) == any(b)
}
