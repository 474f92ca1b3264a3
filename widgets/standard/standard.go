// Package standard lists the widget types a Beckon binary serves: the one
// module list that cmd/beckon hands the server and that every test server
// (server/servertest) starts with, so what is tested is what operators run.
// Adding a widget type is one line here (see docs/ADDING_A_WIDGET.md).
package standard

import (
	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/countdown"
	"github.com/beckonhq/beckon/widgets/game"
	"github.com/beckonhq/beckon/widgets/multibutton"
	"github.com/beckonhq/beckon/widgets/popup"
	"github.com/beckonhq/beckon/widgets/proactive"
	"github.com/beckonhq/beckon/widgets/quiz"
	"github.com/beckonhq/beckon/widgets/reviews"
	"github.com/beckonhq/beckon/widgets/socialproof"
)

// Modules are the widget types for cfg, in the order they are mounted,
// started and placed on the demo site; the callback bridge places its
// calls through telephony (Twilio or the simulator, chosen in cmd/beckon).
func Modules(cfg config.Config, telephony callback.Provider) []widgets.Module {
	return []widgets.Module{
		countdown.NewModule(),
		callback.NewModule(callback.ModuleOptions{Provider: telephony, Workers: cfg.CallbackWorkers,
			AllowPrivateWebhooks: cfg.WebhookAllowPrivate}),
		socialproof.NewModule(),
		quiz.NewModule(quiz.ModuleOptions{AllowPrivateWebhooks: cfg.WebhookAllowPrivate}),
		popup.NewModule(popup.ModuleOptions{}),
		game.NewModule(),
		multibutton.NewModule(multibutton.ModuleOptions{}),
		proactive.NewModule(proactive.ModuleOptions{}),
		reviews.NewModule(reviews.ModuleOptions{AllowPrivateWebhooks: cfg.WebhookAllowPrivate}),
	}
}
