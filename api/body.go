package api

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/validate"
)

// DecodeBody strictly decodes the request's JSON body into v. A body sent
// with no Content-Type is read as JSON (curl -d with a JSON body, scripts);
// any other type than application/json is refused before decoding.
func DecodeBody(c *fiber.Ctx, v any) error {
	if err := CheckJSONContentType(string(c.Request().Header.ContentType())); err != nil {
		return err
	}
	return validate.DecodeJSON(c.Body(), v)
}

// CheckJSONContentType accepts no Content-Type, or application/json with
// parameters; JSON is UTF-8 (RFC 8259), so any other charset is refused too.
func CheckJSONContentType(header string) error {
	if strings.TrimSpace(header) == "" {
		return nil
	}
	mediaType, params, err := mime.ParseMediaType(header)
	if err != nil || mediaType != fiber.MIMEApplicationJSON {
		return unsupportedMediaType(fmt.Sprintf("Content-Type %q is not JSON; send Content-Type: application/json", header))
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return unsupportedMediaType(fmt.Sprintf("charset %q is not accepted; JSON is sent as UTF-8", cs))
	}
	return nil
}

func unsupportedMediaType(msg string) *Error {
	return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: msg}
}
