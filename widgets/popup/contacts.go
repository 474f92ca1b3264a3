package popup

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
	maxName  = 100
	maxPhone = 32
	maxEmail = 254
)

// contactsOf checks the fields the form asks for (unasked ones are
// dropped, required ones must be there; at least one way to reach the
// visitor) and returns what the lead keeps.
func contactsOf(in leadInput, f *Form, region string) (store.LeadContact, error) {
	var c store.LeadContact
	first := ""
	for _, fl := range f.Fields {
		var err error
		switch fl.Name {
		case "name":
			c.Name = strings.TrimSpace(in.Name)
			err = validate.Line("name", c.Name, fl.Required, maxName)
		case "phone":
			c.Phone, err = checkPhone(in.Phone, region, fl.Required)
		case "email":
			c.Email, err = checkEmail(in.Email, fl.Required)
		}
		if err != nil {
			return store.LeadContact{}, err
		}
		if fl.Name != "name" && first == "" {
			first = fl.Name
		}
	}
	if c.Phone == "" && c.Email == "" {
		return store.LeadContact{}, validate.Field(first, "is required: leave at least one way to reach you")
	}
	return c, nil
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

// checkEmail accepts one bare address with a domain that could receive
// mail (a dot, no empty labels, no IP literal); the domain is lower-cased.
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
		return "", bad
	}
	addr, err := mail.ParseAddress(raw)
	if err != nil || addr.Name != "" || addr.Address != raw || strings.ContainsAny(raw, " \t\"\\") {
		return "", bad
	}
	local, domain, _ := strings.Cut(addr.Address, "@")
	labels := strings.Split(domain, ".")
	if local == "" || len(local) > 64 || len(labels) < 2 || strings.HasPrefix(domain, "[") {
		return "", bad
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return "", bad
		}
	}
	return local + "@" + strings.ToLower(domain), nil
}
