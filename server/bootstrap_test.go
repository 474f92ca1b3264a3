package server

import (
	"context"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/store/embedded"
)

// openEmbedded is a fresh embedded store, closed when the test ends.
func openEmbedded(t *testing.T) *embedded.Store {
	t.Helper()
	st, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestAdminTokenGeneratedOnce: the first start makes the operator's token
// and stores only its hash; later starts keep it; BECKON_ADMIN_TOKEN wins.
func TestAdminTokenGeneratedOnce(t *testing.T) {
	st := openEmbedded(t)
	ctx := context.Background()
	cfg := config.Config{}
	hash, token, err := EnsureAdminToken(ctx, st, cfg)
	if err != nil || token == "" || hash != hashSecret(token) {
		t.Fatalf("first start: %q %q %v", hash, token, err)
	}
	stored, _ := st.GetSetting(ctx, settingAdminTokenHash)
	if strings.Contains(stored, token) || stored != hash {
		t.Fatal("the store must keep only the token's hash")
	}
	hash2, token2, err := EnsureAdminToken(ctx, st, cfg)
	if err != nil || token2 != "" || hash2 != hash {
		t.Fatalf("second start printed a token again or changed it: %q %v", token2, err)
	}
	cfg.AdminToken = "from-env"
	if h, tok, _ := EnsureAdminToken(ctx, st, cfg); h != hashSecret("from-env") || tok != "" {
		t.Fatal("BECKON_ADMIN_TOKEN must win")
	}
}
