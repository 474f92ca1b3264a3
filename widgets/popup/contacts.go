package popup

import (
	"github.com/beckonhq/beckon/contact"
	"github.com/beckonhq/beckon/store"
)

// contactsOf checks the fields the form asks for (contact.Check: unasked
// ones are dropped, required ones must be there; at least one way to reach
// the visitor) and returns what the lead keeps.
func contactsOf(in leadInput, f *Form, region string) (store.LeadContact, error) {
	asked := make([]contact.Field, len(f.Fields))
	for i, fl := range f.Fields {
		asked[i] = contact.Field(fl)
	}
	return contact.Check(contact.Input{Name: in.Name, Phone: in.Phone, Email: in.Email}, asked, region)
}
