package socialproof

import (
	"maps"
	"slices"
)

// preset is a platform's mapping and statuses, which an owner's own
// mapping and status lists override field by field.
type preset struct {
	mapping map[string]string
	paid    []string
	cancel  []string
}

// mappable are the fields a mapping may name.
var mappable = map[string]bool{"id": true, "type": true, "name": true, "city": true, "product": true,
	"url": true, "image": true, "text": true, "time": true, "status": true}

// presets by platform. docs/SOCIAL_PROOF.md shows each platform's payload.
var presets = map[string]preset{
	// WooCommerce's "Order updated" webhook (REST API v3 order JSON). An
	// order paid online is "processing"; one paid on delivery or created
	// by hand becomes "completed" when the shop marks it so.
	"woocommerce": {
		mapping: map[string]string{
			"id":      "id",
			"name":    "billing.first_name+billing.last_name|shipping.first_name+shipping.last_name",
			"city":    "billing.city|shipping.city",
			"product": "line_items[0].name",
			"image":   "line_items[0].image.src",
			"time":    "date_paid_gmt|date_completed_gmt|date_created_gmt",
			"status":  "status",
		},
		paid:   []string{"processing", "completed"},
		cancel: []string{"cancelled", "refunded", "failed", "trash"},
	},
	// Tilda's form webhook. Tilda calls it once a form is sent and, for a
	// form with a payment, only after the payment succeeded: there is no
	// status, every call is a paid order (or a sign-up).
	"tilda": {
		mapping: map[string]string{
			"id":      "payment.orderid|tranid",
			"name":    "Name|name",
			"city":    "City|city",
			"product": "payment.products[0].name|payment.products[0]",
		},
	},
	// InSales' order webhook (orders/create and orders/update). Payment and
	// fulfilment are two fields; a declined or returned order is withdrawn.
	"insales": {
		mapping: map[string]string{
			"id":      "id",
			"name":    "client.name",
			"city":    "shipping_address.city",
			"product": "order_lines[0].title",
			"time":    "paid_at|created_at",
			"status":  "financial_status|fulfillment_status",
		},
		paid:   []string{"paid"},
		cancel: []string{"declined", "returned", "refunded"},
	},
	// custom: the owner's mapping alone (id at least); without a status
	// path every call is an event.
	"custom": {mapping: map[string]string{}},
}

func platformNames() []string { return []string{"woocommerce", "tilda", "insales", "custom"} }

// mappingOf is the platform's preset with the owner's mapping over it.
func (in *Inbound) mappingOf() map[string]string {
	m := maps.Clone(presets[in.Platform].mapping)
	if m == nil {
		m = map[string]string{}
	}
	maps.Copy(m, in.Mapping)
	return m
}

// verdict of an order's statuses.
type verdict int

const (
	ignore   verdict = iota // neither paid nor withdrawn (pending, on hold)
	show                    // paid or completed: a notice
	withdraw                // cancelled or refunded: its notice goes
)

// judge decides by the order's statuses; a withdrawal wins over a payment
// (InSales: paid, then declined). Without a status path every order shows.
func (in *Inbound) judge(statuses []string, hasStatusPath bool) verdict {
	if !hasStatusPath {
		return show
	}
	for _, s := range statuses {
		if slices.Contains(in.CancelStatuses, s) {
			return withdraw
		}
	}
	for _, s := range statuses {
		if slices.Contains(in.PaidStatuses, s) {
			return show
		}
	}
	return ignore
}
