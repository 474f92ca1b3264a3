package server

import (
	"crypto/rand"
	"encoding/base32"
	"mime"
	"net/http"
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

// decodeBody strictly decodes the request's JSON body into v. A body sent
// with no Content-Type is read as JSON (curl -d with a JSON body, scripts);
// any other type than application/json is refused before decoding.
func decodeBody(c *fiber.Ctx, v any) error {
	if err := checkJSONContentType(string(c.Request().Header.ContentType())); err != nil {
		return err
	}
	return validate.DecodeJSON(c.Body(), v)
}

// checkJSONContentType accepts no Content-Type, or application/json with
// parameters; JSON is UTF-8 (RFC 8259), so any other charset is refused too.
func checkJSONContentType(header string) error {
	if strings.TrimSpace(header) == "" {
		return nil
	}
	mediaType, params, err := mime.ParseMediaType(header)
	if err != nil || mediaType != fiber.MIMEApplicationJSON {
		return errUnsupportedMediaType("Content-Type " + strconv.Quote(header) + " is not JSON; send Content-Type: application/json")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return errUnsupportedMediaType("charset " + strconv.Quote(cs) + " is not accepted; JSON is sent as UTF-8")
	}
	return nil
}

func errUnsupportedMediaType(msg string) *apiError {
	return &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: msg}
}

func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals("requestid").(string); ok {
		return id
	}
	return ""
}
