package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewToken is a random secret of 32 bytes, URL-safe: session cookies,
// invite links, CSRF tokens, OIDC state.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is what the store keeps of a secret: its SHA-256, hex. The
// secrets are random 256-bit values, so a fast hash is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newID is a random identifier of a user.
func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "u_" + hex.EncodeToString(b)
}
