package widgetform

import "strings"

// What reflection cannot know about a setting, by "<type>:<path>" (a
// field of one type) or "*:<name>" (every field of that name). Options
// must be values the module's Normalize accepts: TestOptionsAreAccepted
// tries each one, so this table cannot drift from the modules.
type hint struct {
	kind     string
	options  []string
	min, max *float64
	advanced bool
	// when shows the field only while a sibling has one of some values:
	// "mode=fixed", "type=callback|quiz|popup" (the others are ignored by
	// the module then, and would only crowd the form).
	when string
}

func num(v float64) *float64 { return &v }

// with is h shown only when (see hint.when).
func with(h hint, when string) hint {
	h.when = when
	return h
}

var (
	positions2 = []string{"bottom-right", "bottom-left"}
	weekdays   = hint{kind: KindDays}
	hhmm       = hint{kind: KindTime}
	color      = hint{kind: KindColor}
	address    = hint{kind: KindURL}
	seconds    = hint{min: num(0)}
	advanced   = hint{advanced: true}
)

var hints = map[string]hint{
	"*:color":         color,
	"*:notify_url":    {kind: KindURL, advanced: true},
	"*:notify_secret": {kind: KindSecret, advanced: true},
	"*:redirect_url":  address,
	"*:url":           address,
	"*:image":         address,
	"*:photo":         address,
	"*:text":          {kind: KindTextarea},
	"*:from":          hhmm,
	"*:to":            hhmm,
	"*:days":          weekdays,
	"*:priority":      {min: num(0)},

	// The consent block every form widget carries (consent.Settings).
	"*:consent.text":    {kind: KindTextarea},
	"*:consent.url":     address,
	"*:consent.version": advanced,
	"*:consent.purpose": advanced,

	// The trigger block (widgets/triggers).
	"*:triggers.on[].type":             {kind: KindSelect, options: []string{"time_on_page", "time_on_site", "exit_intent", "scroll", "idle", "pages_viewed", "manual", "push"}},
	"*:triggers.device":                {kind: KindSelect, options: []string{"any", "desktop", "phone"}},
	"*:triggers.visitor":               {kind: KindSelect, options: []string{"any", "new", "returning"}},
	"*:triggers.caps.after_conversion": {kind: KindSelect, options: []string{"never", "again"}},
	"*:triggers.on[].seconds":          with(seconds, "type=time_on_page|time_on_site|idle"),
	"*:triggers.on[].percent":          {min: num(0), max: num(100), when: "type=scroll"},
	"*:triggers.on[].count":            {min: num(0), when: "type=pages_viewed"},

	"callback:position":              {kind: KindSelect, options: positions2},
	"callback:strategy":              {kind: KindSelect, options: []string{"in_order", "all_at_once"}},
	"callback:managers[].phone":      {kind: KindText},
	"callback:manager_ring_seconds":  {min: num(5), advanced: true},
	"callback:visitor_ring_seconds":  {min: num(5), advanced: true},
	"callback:visitor_retries":       {min: num(0), advanced: true},
	"callback:retry_delay_seconds":   {min: num(0), advanced: true},
	"callback:machine_detection":     advanced,
	"callback:caller_id":             advanced,
	"callback:record":                advanced,
	"callback:slot_minutes":          {min: num(5), advanced: true},
	"callback:allowed_calling_codes": advanced,
	"callback:limits":                advanced,
	"callback:blocklist":             advanced,

	"countdown:mode":             {kind: KindSelect, options: []string{"fixed", "evergreen", "recurring"}},
	"countdown:placement":        {kind: KindSelect, options: []string{"top_bar", "bottom_bar", "inline", "floating"}},
	"countdown:top_bar":          {kind: KindSelect, options: []string{"push", "overlay"}, when: "placement=top_bar"},
	"countdown:on_expire":        {kind: KindSelect, options: []string{"hide", "message", "redirect"}},
	"countdown:time":             with(hhmm, "mode=recurring"),
	"countdown:weekdays":         with(weekdays, "mode=recurring"),
	"countdown:duration_seconds": with(seconds, "mode=evergreen"),
	"countdown:cooldown_seconds": with(seconds, "mode=evergreen"),

	"social_proof:position":               {kind: KindSelect, options: positions2},
	"social_proof:theme":                  {kind: KindSelect, options: []string{"light", "dark"}},
	"social_proof:name_display":           {kind: KindSelect, options: []string{"first_name", "first_initial", "someone"}},
	"social_proof:viewers.scope":          {kind: KindSelect, options: []string{"page", "site"}, when: "enabled=true"},
	"social_proof:templates":              {kind: KindKeyed, options: []string{"purchase", "signup", "review", "custom"}},
	"social_proof:inbound":                advanced,
	"social_proof:inbound.mapping":        {kind: KindPairs},
	"social_proof:inbound.platform":       {kind: KindSelect, options: []string{"", "woocommerce", "tilda", "insales", "custom"}},
	"social_proof:inbound.secret":         {kind: KindSecret},
	"social_proof:inbound.signing_secret": {kind: KindSecret},
	"social_proof:delay_seconds":          seconds,
	"social_proof:display_seconds":        seconds,
	"social_proof:interval_seconds":       seconds,

	"quiz:launcher.position":  {kind: KindSelect, options: positions2},
	"quiz:form.position":      {kind: KindSelect, options: []string{"end", "start"}},
	"quiz:form.fields[].name": {kind: KindSelect, options: []string{"name", "phone", "email", "messenger"}},
	"quiz:start.image":        address,

	"popup:layout":             {kind: KindSelect, options: []string{"modal", "slide_in", "bar"}},
	"popup:button.action":      {kind: KindSelect, options: []string{"link", "widget", "code"}},
	"popup:button.pool_empty":  {kind: KindSelect, options: []string{"hide", "text"}, when: "action=code"},
	"popup:form.fields[].name": {kind: KindSelect, options: []string{"name", "phone", "email"}},

	"game:kind":          {kind: KindSelect, options: []string{"wheel", "scratch"}},
	"game:contact":       {kind: KindSelect, options: []string{"phone", "email", "phone_or_email", "subscribe"}},
	"game:launcher":      {kind: KindSelect, options: []string{"bottom-left", "bottom-right", "right", "none"}},
	"game:ip_limit":      {min: num(0), advanced: true},
	"game:sector_colors": advanced,

	"multibutton:position":        {kind: KindSelect, options: positions2},
	"multibutton:icon":            {kind: KindSelect, options: icons},
	"multibutton:channels[].icon": {kind: KindSelect, options: append([]string{""}, icons...)},
	"multibutton:channels[].type": {kind: KindSelect, options: []string{"callback", "quiz", "popup", "phone", "email", "telegram", "whatsapp", "viber", "vk", "max", "link"}},

	"proactive:position":    {kind: KindSelect, options: positions2},
	"proactive:ask_contact": {kind: KindSelect, options: []string{"none", "phone", "email", "phone_or_email"}},
	"proactive:action.type": {kind: KindSelect, options: []string{"reply", "callback", "quiz", "popup", "link"}},

	"reviews:mode":                       {kind: KindSelect, options: []string{"both", "show", "collect"}},
	"reviews:layout":                     {kind: KindSelect, options: []string{"list", "carousel", "badge"}},
	"reviews:placement":                  {kind: KindSelect, options: []string{"floating", "inline"}},
	"reviews:position":                   {kind: KindSelect, options: []string{"bottom-left", "bottom-right", "left-middle"}},
	"reviews:about":                      {kind: KindTextarea},
	"reviews:min_rating_shown":           {min: num(1), max: num(5)},
	"reviews:request_secret":             {kind: KindSecret, advanced: true},
	"reviews:json_ld_name":               advanced,
	"countdown:deadline":                 {when: "mode=fixed"},
	"countdown:selector":                 {when: "placement=inline"},
	"countdown:expired_message":          {when: "on_expire=message"},
	"countdown:redirect_url":             with(address, "on_expire=redirect"),
	"popup:button.url":                   with(address, "action=link"),
	"popup:button.widget":                {when: "action=widget"},
	"popup:button.code":                  {when: "action=code"},
	"popup:button.pool":                  {when: "action=code"},
	"popup:button.empty_text":            {when: "pool_empty=text"},
	"proactive:action.widget_id":         {when: "type=callback|quiz|popup"},
	"proactive:action.label":             {when: "type=callback|quiz|popup|link"},
	"proactive:action.url":               with(address, "type=link"),
	"reviews:selector":                   {when: "placement=inline"},
	"multibutton:channels[].widget_id":   {when: "type=callback|quiz|popup"},
	"multibutton:channels[].value":       {when: "type=phone|email|telegram|whatsapp|viber|vk|max|link"},
	"social_proof:viewers.threshold":     {when: "enabled=true"},
	"social_proof:viewers.round_down_to": {when: "enabled=true"},
}

var icons = []string{"chat", "phone", "callback", "quiz", "popup", "email", "telegram", "whatsapp",
	"viber", "vk", "max", "link", "map", "cart", "info"}

// kept are the settings edited elsewhere: the quiz's questions, formulas
// and results belong to the quiz builder (/app/sites/{id}/widgets/{wid}/quiz).
var kept = map[string]bool{"quiz:steps": true, "quiz:formulas": true, "quiz:results": true}

// applyHint puts the table's knowledge into f: the type's own entry for
// the path, else the entry for any type at that path (the shared blocks,
// like triggers and consent, sit at the same path in every type), else
// the entry for the field's name.
func applyHint(typ string, f *Field) {
	h, ok := hints[typ+":"+f.path]
	if !ok {
		h, ok = hints["*:"+trimBlock(f.path)]
	}
	if !ok {
		h, ok = hints["*:"+f.Name]
	}
	if !ok {
		return
	}
	switch {
	case f.Kind == KindTexts && h.kind == KindTextarea:
		f.Long = true
	case h.kind != "" && (f.Kind == KindText || f.Kind == KindInts || h.kind == KindKeyed || h.kind == KindPairs):
		f.Kind = h.kind
	}
	f.Options, f.Min, f.Max = h.options, h.min, h.max
	f.Advanced, f.When = h.advanced, h.when
}

// trimBlock is a path inside a shared block from the block's name on:
// "form.consent.text" → "consent.text", so one entry serves the consent
// block wherever a type puts it.
func trimBlock(path string) string {
	for _, block := range []string{"consent.", "triggers."} {
		if strings.HasPrefix(path, block) {
			return path
		}
		if i := strings.Index(path, "."+block); i >= 0 {
			return path[i+1:]
		}
	}
	return path
}
