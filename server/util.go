package server

import (
	"crypto/rand"
	"encoding/base32"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

func itoa(n int) string { return strconv.Itoa(n) }

var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// randomToken returns n random bytes as lower-case base32: safe in URLs,
// HTML attributes and Redis keys.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the OS is broken; nothing safe to do
	}
	return lowerBase32.EncodeToString(b)
}

// newID returns a fresh resource id with a readable type prefix.
func newID(prefix string) string { return prefix + "_" + randomToken(10) }

func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals("requestid").(string); ok {
		return id
	}
	return ""
}
