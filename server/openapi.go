package server

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPI describes the admin and public APIs; a test checks that every
// route of the app is in it.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(openAPI)
}
