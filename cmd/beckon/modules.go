package main

import (
	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/countdown"
	"github.com/beckonhq/beckon/widgets/socialproof"
)

// modules are the widget types this binary serves, in the order they are
// mounted, started and placed on the demo site. Adding a widget type is one
// line here (see docs/ADDING_A_WIDGET.md).
func modules(cfg config.Config, telephony callback.Provider) []widgets.Module {
	return []widgets.Module{
		countdown.NewModule(),
		callback.NewModule(callback.ModuleOptions{Provider: telephony, Workers: cfg.CallbackWorkers,
			AllowPrivateWebhooks: cfg.WebhookAllowPrivate}),
		socialproof.NewModule(),
	}
}
