package dashboard

import (
	"strings"
	"testing"

	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/dashboard/widgetform"
	"github.com/beckonhq/beckon/widgets/standard"
)

// TestWidgetFormTranslated: every field, every choice and every type of
// every widget the binary serves has its words in en, ru and uk, so no
// owner meets a "[wf_…]" in the editor.
func TestWidgetFormTranslated(t *testing.T) {
	for _, m := range standard.Modules(config.Config{}, sim.New(sim.Delays{})) {
		for _, code := range langs {
			l := Lang{Code: code, texts: texts[code]}
			for _, key := range []string{"wt_" + m.Type(), "wtd_" + m.Type()} {
				if _, ok := l.texts[key]; !ok {
					t.Errorf("%s: no %s", code, key)
				}
			}
			localSchema(l, widgetform.For(m)).Walk(func(f widgetform.Field) {
				if strings.HasPrefix(f.Label, "[") {
					t.Errorf("%s %s: %s has no label (%s)", code, m.Type(), f.Path(), strings.Join(widgetform.LabelKeys(m.Type(), f), " or "))
				}
				for i, o := range f.OptionLabels {
					if strings.HasPrefix(o, "[") {
						t.Errorf("%s %s: %s option %q has no text (%s)", code, m.Type(), f.Path(), f.Options[i], strings.Join(widgetform.OptionKeys(f, f.Options[i]), " or "))
					}
				}
			})
		}
	}
}
