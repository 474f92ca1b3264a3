// Package game is the honest discount game: a wheel of fortune or a
// scratch card that a visitor plays once per campaign for a contact or a
// subscription. The server draws (the browser only animates the answer it
// is given), from prizes with weights and limited stock, and tells anyone
// who asks the odds as they stand. See docs/GAME.md.
package game

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/widgets"
)

// widgetType is the API's name of the game widget.
const widgetType = "game"

// Module is the game widget.
type Module struct {
	deps widgets.Deps
}

// NewModule makes the game widget's module.
func NewModule() *Module { return &Module{} }

// Type implements widgets.Module.
func (m *Module) Type() string { return widgetType }

// Bundle implements widgets.Module: embed/src/widgets/game.
func (m *Module) Bundle() string { return "game" }

// NewSettings implements widgets.Module.
func (m *Module) NewSettings() widgets.Settings { return new(Settings) }

// Texts implements widgets.Module: i18n/game_widget.json.
func (m *Module) Texts() []string { return []string{"game_widget"} }

// DemoSettings implements widgets.Demo.
func (m *Module) DemoSettings() string {
	return `{"kind":"wheel","campaign":"demo","no_prize_weight":40,"contact":"phone_or_email","ip_limit":20,"launcher":"right",
	"title":{"ru":"Крутите колесо — скидка ваша","uk":"Крутіть колесо — знижка ваша","en":"Spin the wheel for a discount"},
	"prizes":[
	 {"id":"ten","title":{"ru":"Скидка 10%","uk":"Знижка 10%","en":"10% off"},"weight":30,"stock":null,"code":{"shared":"SPIN10"}},
	 {"id":"ship","title":{"ru":"Бесплатная доставка","uk":"Безкоштовна доставка","en":"Free delivery"},"weight":25,"stock":null,"code":{"shared":"SHIPFREE"}},
	 {"id":"gift","title":{"ru":"Подарок к заказу","uk":"Подарунок до замовлення","en":"A gift with your order"},"weight":5,"stock":20,"code":{"shared":"GIFT"}}]}`
}

// Mount implements widgets.Module.
func (m *Module) Mount(d widgets.Deps, r widgets.Routes) error {
	m.deps = d
	r.Public.Add(fiber.MethodPost, "/games/:wid/draw", m.draw)
	r.Public.Add(fiber.MethodGet, "/games/:wid/chances", m.chances)
	r.Admin.Add(fiber.MethodGet, "/sites/:id/widgets/:wid/game", m.stats)
	return nil
}

// openAPI describes this widget's routes; the server merges it into
// /api/openapi.json (widgets.Documented).
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI implements widgets.Documented.
func (m *Module) OpenAPI() []byte { return openAPI }
