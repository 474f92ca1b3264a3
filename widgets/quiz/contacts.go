package quiz

import (
	"time"

	"github.com/beckonhq/beckon/contact"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// checkContacts validates the form's fields as the quiz asks for them (the
// form's fields: unasked ones are dropped, required ones must be there) and
// the consent, and returns what the lead keeps.
func checkContacts(in leadInput, def *Definition, site store.Site, ip string, now time.Time) (store.LeadContact, *store.Consent, error) {
	if err := validate.Line("visitor_id", in.VisitorID, true, maxVisitorID); err != nil {
		return store.LeadContact{}, nil, err
	}
	if in.Lang != "" {
		if err := validate.OneOf("lang", in.Lang, i18n.Langs...); err != nil {
			return store.LeadContact{}, nil, err
		}
	}
	form := def.Settings().Form
	asked := make([]contact.Field, len(form.Fields))
	for i, f := range form.Fields {
		asked[i] = contact.Field(f)
	}
	c, err := contact.Check(contact.Input{Name: in.Name, Phone: in.Phone, Email: in.Email, Messenger: in.Messenger}, asked, site.Region)
	if err != nil {
		return store.LeadContact{}, nil, err
	}
	cs := form.Consent
	if !cs.Required {
		return c, nil, nil
	}
	if !in.Consent {
		return store.LeadContact{}, nil, validate.Field("consent", "must be given: the visitor ticks the box to consent to the processing of their personal data")
	}
	if err := validate.Line("consent_text_id", in.ConsentTextID, false, 64); err != nil {
		return store.LeadContact{}, nil, err
	}
	return c, cs.Record(in.ConsentTextID, ip, now), nil
}
