package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// A site's leads, all in the site's slot:
//
//	<prefix>:{s:<siteID>}:leads      hash: lead ID → lead JSON
//	<prefix>:{s:<siteID>}:leadentry  hash: lead ID → "<type>\n<status>\n<time member>\n<visitor member>"
//	<prefix>:{s:<siteID>}:leadtimes  sorted set: "<created>:<id>" (created in 19 digits), scored 0
//	<prefix>:{s:<siteID>}:leadvis    sorted set: "<visitor>\0<created>:<id>", scored 0
//
// The entry is what the scripts need without decoding JSON: ListLeads
// filters on its type and status, DeleteLead finds the index members in it.
func (s *Store) leadsKey(siteID string) string     { return s.siteTag(siteID) + ":leads" }
func (s *Store) leadEntries(siteID string) string  { return s.siteTag(siteID) + ":leadentry" }
func (s *Store) leadTimes(siteID string) string    { return s.siteTag(siteID) + ":leadtimes" }
func (s *Store) leadVisitors(siteID string) string { return s.siteTag(siteID) + ":leadvis" }

var (
	//go:embed lua/create_lead.lua
	createLeadLua    string
	scriptCreateLead = redis.NewScript(createLeadLua)

	//go:embed lua/swap_lead.lua
	swapLeadLua    string
	scriptSwapLead = redis.NewScript(swapLeadLua)

	//go:embed lua/delete_lead.lua
	deleteLeadLua    string
	scriptDeleteLead = redis.NewScript(deleteLeadLua)

	//go:embed lua/list_leads.lua
	listLeadsLua    string
	scriptListLeads = redis.NewScript(listLeadsLua)
)

// listBudget is how many leads one run of list_leads.lua looks at most.
const listBudget = 1000

func leadTimeMember(l store.Lead) string { return lexTime(l.CreatedAt) + ":" + l.ID }

func leadVisitorMember(l store.Lead) string { return l.VisitorID + "\x00" + leadTimeMember(l) }

// leadEntry is l's entry in the leadentry hash. The visitor member goes
// last: it is the only part that may hold a newline.
func leadEntry(l store.Lead) string {
	return l.Type + "\n" + l.Status + "\n" + leadTimeMember(l) + "\n" + leadVisitorMember(l)
}

// checkLead refuses what would make a lead's entry ambiguous.
func checkLead(l store.Lead) error {
	if strings.ContainsAny(l.Type+l.Status+l.ID, "\n") || strings.ContainsRune(l.VisitorID, 0) {
		return errors.New("lead type, status and ID must not contain a newline, nor its visitor ID a NUL")
	}
	return nil
}

func (s *Store) leadKeys(siteID string) []string {
	return []string{s.leadsKey(siteID), s.leadEntries(siteID), s.leadTimes(siteID), s.leadVisitors(siteID)}
}

// CreateLead implements store.Leads in one step (create_lead.lua).
func (s *Store) CreateLead(ctx context.Context, l store.Lead) (store.Lead, bool, error) {
	const op = "create lead"
	if err := checkLead(l); err != nil {
		return store.Lead{}, false, wrap(op, err)
	}
	data, err := json.Marshal(l)
	if err != nil {
		return store.Lead{}, false, wrap(op, err)
	}
	keys := append([]string{s.siteKey(l.SiteID)}, s.leadKeys(l.SiteID)...)
	res, err := scriptCreateLead.Run(ctx, s.client, keys, l.ID, data, leadEntry(l), leadTimeMember(l), leadVisitorMember(l)).Slice()
	if err != nil {
		return store.Lead{}, false, wrap(op, err)
	}
	switch res[0] {
	case int64(createdInSite):
		store.AnnounceLead(ctx, s, l)
		return l, true, nil
	case int64(siteMissing):
		return store.Lead{}, false, wrap(op, store.ErrNotFound)
	case int64(idTaken):
		var stored store.Lead
		raw, _ := res[1].(string)
		if err := json.Unmarshal([]byte(raw), &stored); err != nil {
			return store.Lead{}, false, wrap(op, err)
		}
		return stored, false, nil
	}
	return store.Lead{}, false, wrap(op, fmt.Errorf("create_lead.lua returned %v", res))
}

// GetLead implements store.Leads. The hash is the site's, so another
// site's lead is simply not there.
func (s *Store) GetLead(ctx context.Context, siteID, id string) (store.Lead, error) {
	var l store.Lead
	raw, err := s.client.HGet(ctx, s.leadsKey(siteID), id).Bytes()
	if err == nil {
		err = json.Unmarshal(raw, &l)
	}
	if err != nil {
		return store.Lead{}, wrap("get lead", err)
	}
	return l, nil
}

// ListLeads implements store.Leads by list_leads.lua, in stretches of at
// most listBudget leads looked at.
func (s *Store) ListLeads(ctx context.Context, siteID string, f store.LeadFilter) ([]store.Lead, error) {
	const op = "list leads"
	bound := "+"
	if !f.After.CreatedAt.IsZero() || f.After.ID != "" {
		bound = "(" + lexTime(f.After.CreatedAt) + ":" + f.After.ID
	}
	keys := []string{s.leadTimes(siteID), s.leadEntries(siteID), s.leadsKey(siteID)}
	var list []store.Lead
	for {
		limit := 0
		if f.Limit > 0 {
			limit = f.Limit - len(list)
		}
		res, err := scriptListLeads.Run(ctx, s.client, keys, bound, f.Type, f.Status, limit, listBudget).Slice()
		if err != nil {
			return nil, wrap(op, err)
		}
		raws, _ := res[0].([]any)
		for _, raw := range raws {
			var l store.Lead
			str, _ := raw.(string)
			if err := json.Unmarshal([]byte(str), &l); err != nil {
				return nil, wrap(op, err)
			}
			list = append(list, l)
		}
		next, _ := res[1].(string)
		if next == "" {
			return list, nil
		}
		bound = "(" + next
	}
}

// UpdateLead implements store.Leads optimistically, like UpdateSite; the
// write (swap_lead.lua) also rewrites the lead's entry, so a new status is
// filtered on at once.
func (s *Store) UpdateLead(ctx context.Context, siteID, id string, fn func(*store.Lead) error) (store.Lead, error) {
	noCheck := func(store.Lead) error { return nil }
	l, err := updateField(ctx, s.client, s.leadsKey(siteID), id, noCheck, func(l *store.Lead) error {
		pinned := *l
		if err := fn(l); err != nil {
			return callerError{err}
		}
		// The indexes are keyed by these; they do not move.
		l.ID, l.SiteID, l.Type, l.VisitorID, l.CreatedAt = pinned.ID, pinned.SiteID, pinned.Type, pinned.VisitorID, pinned.CreatedAt
		return checkLead(*l)
	}, func(old string, l store.Lead, data []byte) (bool, error) {
		n, err := scriptSwapLead.Run(ctx, s.client, []string{s.leadsKey(siteID), s.leadEntries(siteID)}, id, old, data, leadEntry(l)).Int()
		return n == 1, err
	})
	var ce callerError
	if errors.As(err, &ce) {
		return store.Lead{}, ce.err
	}
	if err != nil {
		return store.Lead{}, wrap("update lead", err)
	}
	return l, nil
}

// DeleteLead implements store.Leads in one step (delete_lead.lua).
func (s *Store) DeleteLead(ctx context.Context, siteID, id string) error {
	n, err := scriptDeleteLead.Run(ctx, s.client, s.leadKeys(siteID), id).Int()
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	return wrap("delete lead", err)
}

// VisitorLeads implements store.Leads: the visitor's range of the index
// gives the IDs (oldest first), one HMGET the leads.
func (s *Store) VisitorLeads(ctx context.Context, siteID, visitorID string) ([]store.Lead, error) {
	const op = "visitor leads"
	prefix := visitorID + "\x00"
	members, err := s.client.ZRangeByLex(ctx, s.leadVisitors(siteID), &redis.ZRangeBy{Min: "[" + prefix, Max: "(" + visitorID + "\x01"}).Result()
	if err != nil || len(members) == 0 {
		return nil, wrap(op, err)
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[len(ids)-1-i] = memberID(strings.TrimPrefix(m, prefix))
	}
	raws, err := s.client.HMGet(ctx, s.leadsKey(siteID), ids...).Result()
	if err != nil {
		return nil, wrap(op, err)
	}
	list := make([]store.Lead, 0, len(raws))
	for _, raw := range raws {
		str, ok := raw.(string)
		if !ok {
			continue // deleted since ZRANGEBYLEX
		}
		var l store.Lead
		if err := json.Unmarshal([]byte(str), &l); err != nil {
			return nil, wrap(op, err)
		}
		list = append(list, l)
	}
	return list, nil
}
