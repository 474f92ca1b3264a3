package quiz

import _ "embed"

// openAPI describes this widget's routes; the server merges it into
// /api/openapi.json (widgets.Documented).
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI implements widgets.Documented.
func (m *Module) OpenAPI() []byte { return openAPI }
