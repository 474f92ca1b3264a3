package server

import (
	"crypto/rand"
	"encoding/base32"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/validate"
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

// decodeBody strictly decodes the request's JSON body into v.
func decodeBody(c *fiber.Ctx, v any) error {
	if ct := string(c.Request().Header.ContentType()); ct != "" && !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return &validate.SyntaxError{Message: "Content-Type must be application/json"}
	}
	return validate.DecodeJSON(c.Body(), v)
}

func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals("requestid").(string); ok {
		return id
	}
	return ""
}
