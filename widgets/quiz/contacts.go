package quiz

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// Bounds of the contact fields, in characters.
const (
	maxName      = 100
	maxPhone     = 32 // a number with its spaces, dashes and an extension
	maxEmail     = 254
	maxMessenger = 100
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
	var c store.LeadContact
	reachable, first := false, ""
	for _, f := range form.Fields {
		var err error
		switch f.Name {
		case "name":
			c.Name = strings.TrimSpace(in.Name)
			err = validate.Line("name", c.Name, f.Required, maxName)
		case "phone":
			c.Phone, err = checkPhone(in.Phone, site.Region, f.Required)
		case "email":
			c.Email, err = checkEmail(in.Email, f.Required)
		case "messenger":
			c.Messenger = strings.TrimSpace(in.Messenger)
			err = validate.Line("messenger", c.Messenger, f.Required, maxMessenger)
		}
		if err != nil {
			return store.LeadContact{}, nil, err
		}
		if f.Name != "name" {
			reachable = reachable || c.Phone != "" || c.Email != "" || c.Messenger != ""
			if first == "" {
				first = f.Name
			}
		}
	}
	if !reachable && first != "" {
		return store.LeadContact{}, nil, validate.Field(first, "is required: leave at least one way to reach you")
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

// checkPhone reads raw as the callback intake does: compatibility forms
// folded to ASCII (full-width digits), parsed in the site's region, a
// valid number of a country; the result is E.164.
func checkPhone(raw, region string, required bool) (string, error) {
	raw = strings.TrimSpace(norm.NFKC.String(raw))
	if raw == "" {
		if required {
			return "", validate.Field("phone", "is required")
		}
		return "", nil
	}
	if utf8.RuneCountInString(raw) > maxPhone {
		return "", validate.Field("phone", "is too long")
	}
	num, err := phonenumbers.Parse(raw, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", validate.Field("phone", "is not a valid phone number")
	}
	if phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode())) == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
		return "", validate.Field("phone", "numbers with country code +%d reach no country's subscriber", num.GetCountryCode())
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// checkEmail accepts one bare address (no display name, no comments) that
// net/mail reads, with a domain that could receive mail: a dot, no empty
// labels, no IP literal. The domain is lower-cased; the local part is kept
// as typed, since servers may tell its case apart.
func checkEmail(raw string, required bool) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		if required {
			return "", validate.Field("email", "is required")
		}
		return "", nil
	}
	bad := validate.Field("email", "is not a valid e-mail address")
	if len(raw) > maxEmail {
		return "", validate.Field("email", "is longer than %d characters", maxEmail)
	}
	addr, err := mail.ParseAddress(raw)
	if err != nil || addr.Name != "" || addr.Address != raw {
		return "", bad
	}
	local, domain, ok := strings.Cut(addr.Address, "@")
	if !ok || local == "" || len(local) > 64 || strings.ContainsAny(addr.Address, " \t\"\\") {
		return "", bad
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 || strings.HasPrefix(domain, "[") {
		return "", bad
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return "", bad
		}
	}
	return local + "@" + strings.ToLower(domain), nil
}
