package accounts

import (
	"strings"
	"testing"
)

func TestPasswordHashRoundTripAndUpgrade(t *testing.T) {
	h := HashPassword("correct horse", DefaultArgon2)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not PHC argon2id with the default costs", h)
	}
	if h == HashPassword("correct horse", DefaultArgon2) {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	ok, outdated, err := VerifyPassword(h, "correct horse", DefaultArgon2)
	if !ok || outdated || err != nil {
		t.Fatalf("right password: %v %v %v", ok, outdated, err)
	}
	if ok, _, _ := VerifyPassword(h, "correct horsE", DefaultArgon2); ok {
		t.Fatal("a wrong password matched")
	}
	stronger := Argon2Params{MemoryKiB: 32 * 1024, Time: 3, Threads: 1}
	ok, outdated, _ = VerifyPassword(h, "correct horse", stronger)
	if !ok || !outdated {
		t.Fatalf("a hash made with older costs must verify and be reported outdated: %v %v", ok, outdated)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=18$m=1,t=1,p=1$AA$AA"} {
		if _, _, err := VerifyPassword(bad, "x", DefaultArgon2); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

// BenchmarkHashPassword is one sign-in's hashing at the default costs; its
// figure is in docs/BENCHMARKS.md.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		HashPassword("correct horse battery staple", DefaultArgon2)
	}
}
