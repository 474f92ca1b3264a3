// Package contact checks the ways to reach a visitor that a lead form
// asks for (name, phone in the site's region, e-mail, messenger), the same
// for every widget that takes leads.
package contact

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"

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

// Input is what the visitor typed into the form.
type Input struct {
	Name, Phone, Email, Messenger string
}

// Field is one field a form asks for: name, phone, email or messenger.
type Field struct {
	Name     string
	Required bool
}

// Check validates the fields the form asks for (unasked ones are dropped,
// required ones must be there; at least one way to reach the visitor, a
// name alone is none) and returns what the lead keeps. region is the
// site's, in which a phone without a country code is read.
func Check(in Input, asked []Field, region string) (store.LeadContact, error) {
	var c store.LeadContact
	reachable, first := false, ""
	for _, f := range asked {
		var err error
		switch f.Name {
		case "name":
			c.Name = strings.TrimSpace(in.Name)
			err = validate.Line("name", c.Name, f.Required, maxName)
		case "phone":
			c.Phone, err = Phone(in.Phone, region, f.Required)
		case "email":
			c.Email, err = Email(in.Email, f.Required)
		case "messenger":
			c.Messenger = strings.TrimSpace(in.Messenger)
			err = validate.Line("messenger", c.Messenger, f.Required, maxMessenger)
		}
		if err != nil {
			return store.LeadContact{}, err
		}
		if f.Name != "name" {
			reachable = reachable || c.Phone != "" || c.Email != "" || c.Messenger != ""
			if first == "" {
				first = f.Name
			}
		}
	}
	if !reachable && first != "" {
		return store.LeadContact{}, validate.Field(first, "is required: leave at least one way to reach you")
	}
	return c, nil
}

// Phone reads raw as the callback intake does: compatibility forms folded
// to ASCII (full-width digits), parsed in the site's region, a valid
// number of a country; the result is E.164. The callback intake refuses
// more (calling codes the site does not allow, premium-rate numbers): it
// makes a call, a lead form only keeps the number.
func Phone(raw, region string, required bool) (string, error) {
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

// Email accepts one bare address (no display name, no comments) that
// net/mail reads, with a domain that could receive mail: a dot, no empty
// labels, no IP literal. The domain is lower-cased; the local part is kept
// as typed, since servers may tell its case apart.
func Email(raw string, required bool) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		if required {
			return "", validate.Field("email", "is required")
		}
		return "", nil
	}
	if len(raw) > maxEmail {
		return "", validate.Field("email", "is longer than %d characters", maxEmail)
	}
	bad := validate.Field("email", "is not a valid e-mail address")
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
