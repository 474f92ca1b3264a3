package server

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/widgets"
)

// openAPIBase describes the server's own routes (sites, widgets, keys,
// config, health …); each widget module adds its own routes' description
// (widgets.Documented), and a test checks that every route of the app is
// in the merged document.
//
//go:embed openapi.json
var openAPIBase []byte

// openAPIDocument merges the modules' fragments into the base document and
// lists the served types in WidgetInput's type enum. A path or schema
// described twice is an error: two modules would be claiming one route.
func openAPIDocument(modules []widgets.Module, types []string) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(openAPIBase, &doc); err != nil {
		return nil, fmt.Errorf("server: openapi.json: %w", err)
	}
	var paths map[string]json.RawMessage
	var components struct {
		SecuritySchemes json.RawMessage                       `json:"securitySchemes"`
		Schemas         map[string]map[string]json.RawMessage `json:"schemas"`
	}
	if err := json.Unmarshal(doc["paths"], &paths); err != nil {
		return nil, fmt.Errorf("server: openapi.json paths: %w", err)
	}
	if err := json.Unmarshal(doc["components"], &components); err != nil {
		return nil, fmt.Errorf("server: openapi.json components: %w", err)
	}
	for _, m := range modules {
		d, ok := m.(widgets.Documented)
		if !ok {
			continue
		}
		var frag struct {
			Paths      map[string]json.RawMessage `json:"paths"`
			Components struct {
				Schemas map[string]map[string]json.RawMessage `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(d.OpenAPI(), &frag); err != nil {
			return nil, fmt.Errorf("server: the %s widget's OpenAPI fragment: %w", m.Type(), err)
		}
		for p, v := range frag.Paths {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("server: the %s widget describes path %s, already described", m.Type(), p)
			}
			paths[p] = v
		}
		for n, v := range frag.Components.Schemas {
			if _, dup := components.Schemas[n]; dup {
				return nil, fmt.Errorf("server: the %s widget describes schema %s, already described", m.Type(), n)
			}
			components.Schemas[n] = v
		}
	}
	if err := setTypeEnum(components.Schemas["WidgetInput"], types); err != nil {
		return nil, err
	}
	var err error
	if doc["paths"], err = json.Marshal(paths); err != nil {
		return nil, err
	}
	if doc["components"], err = json.Marshal(components); err != nil {
		return nil, err
	}
	return json.MarshalIndent(doc, "", "  ")
}

// setTypeEnum lists types as the values WidgetInput.type accepts.
func setTypeEnum(widgetInput map[string]json.RawMessage, types []string) error {
	var props map[string]map[string]json.RawMessage
	if err := json.Unmarshal(widgetInput["properties"], &props); err != nil || props["type"] == nil {
		return fmt.Errorf("server: openapi.json: WidgetInput has no type property")
	}
	enum, err := json.Marshal(types)
	if err != nil {
		return err
	}
	props["type"]["enum"] = enum
	widgetInput["properties"], err = json.Marshal(props)
	return err
}

func (s *Server) serveOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(s.openAPI)
}
