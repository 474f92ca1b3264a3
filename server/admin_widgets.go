package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/beckonhq/beckon/api"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

type widgetInput struct {
	Type     *string         `json:"type"`
	Enabled  *bool           `json:"enabled"`
	Settings json.RawMessage `json:"settings"`
}

// moduleOf is the module of a widget type; a type this server does not
// serve is refused by name, with the types it does.
func (s *Server) moduleOf(name string) (widgets.Module, error) {
	m, ok := s.modules[name]
	if !ok {
		return nil, validate.Field("type", "unknown widget type %q; known types: %s", name, strings.Join(s.typeNames(), ", "))
	}
	return m, nil
}

// typeNames lists the served widget types, sorted.
func (s *Server) typeNames() []string {
	names := make([]string, 0, len(s.modules))
	for n := range s.modules {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (s *Server) createWidget(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "widgets:write")
	if err != nil {
		return err
	}
	var in widgetInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	if in.Type == nil {
		return validate.Field("type", "is required; known types: %s", strings.Join(s.typeNames(), ", "))
	}
	m, err := s.moduleOf(*in.Type)
	if err != nil {
		return err
	}
	settings, err := widgets.Normalize(m, in.Settings, site)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	w := store.Widget{ID: newID("wdg"), SiteID: site.ID, Type: *in.Type, Enabled: true, Settings: settings, CreatedAt: now, UpdatedAt: now}
	if in.Enabled != nil {
		w.Enabled = *in.Enabled
	}
	if err := s.store.CreateWidget(c.UserContext(), w); err != nil {
		return api.NotFoundAs(err, "site")
	}
	s.configChanged(c, site.Key)
	c.Set(fiber.HeaderETag, w.ETag())
	return c.Status(http.StatusCreated).JSON(w)
}

func (s *Server) listWidgets(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "widgets:read")
	if err != nil {
		return err
	}
	list, err := s.store.ListWidgets(c.UserContext(), site.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.Widget{}
	}
	return c.JSON(fiber.Map{"widgets": list})
}

func (s *Server) getWidget(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "widgets:read")
	if err != nil {
		return err
	}
	w, err := s.store.GetWidget(c.UserContext(), site.ID, c.Params("wid"))
	if err != nil {
		return api.NotFoundAs(err, "widget")
	}
	c.Set(fiber.HeaderETag, w.ETag())
	return c.JSON(w)
}

// widgetChanged refuses a PATCH whose If-Match names an older version.
var widgetChanged = &api.Error{Status: http.StatusPreconditionFailed, Code: "changed",
	Message: "the widget was changed since it was read (in another tab or by another person); read it again and make the change on that version"}

func (s *Server) updateWidget(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "widgets:write")
	if err != nil {
		return err
	}
	var in widgetInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	ifMatch := c.Get(fiber.HeaderIfMatch)
	w, err := s.store.UpdateWidget(c.UserContext(), site.ID, c.Params("wid"), func(w *store.Widget) error {
		if ifMatch != "" && ifMatch != "*" && ifMatch != w.ETag() {
			return widgetChanged
		}
		if in.Type != nil && *in.Type != w.Type {
			return validate.Field("type", "cannot be changed; create a new widget instead")
		}
		if in.Enabled != nil {
			w.Enabled = *in.Enabled
		}
		if in.Settings != nil {
			m, err := s.moduleOf(w.Type)
			if err != nil {
				return err
			}
			settings, err := widgets.NormalizeUpdate(m, in.Settings, w.Settings, site)
			if err != nil {
				return err
			}
			w.Settings = settings
		}
		w.UpdatedAt = time.Now().UTC()
		return nil
	})
	if err != nil {
		return api.NotFoundAs(err, "widget")
	}
	s.configChanged(c, site.Key)
	c.Set(fiber.HeaderETag, w.ETag())
	return c.JSON(w)
}

func (s *Server) deleteWidget(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "widgets:write")
	if err != nil {
		return err
	}
	if err := s.store.DeleteWidget(c.UserContext(), site.ID, c.Params("wid")); err != nil {
		return api.NotFoundAs(err, "widget")
	}
	s.configChanged(c, site.Key)
	return c.SendStatus(http.StatusNoContent)
}
