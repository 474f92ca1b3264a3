package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// What is seeded through the running server: the admin API for what it
// checks and derives (reviews, social proof events, promo codes, an A/B
// test, an API key), and the accounts service for the operator's people.

// values are what the pages' {placeholders} stand for.
type values map[string]string

// seedAPI makes the site's reviews, events, code pool, experiment and API
// key through the admin API, as an owner's scripts would.
func seedAPI(ctx context.Context, st store.Store, base string, c clock, v values) error {
	reviews := "rating,text,name,date\n" +
		"5,\"Сделали ремонт двушки за 7 недель, как и обещали. Прораб Анна всегда на связи.\",Ирина,%s\n" +
		"5,Аккуратные мастера: после себя убрали весь мусор. Рекомендую!,Константин,%s\n" +
		"4,\"Хороший результат, но задержали плитку на неделю.\",Вера,%s\n" +
		"5,Смета не выросла ни на рубль. Отдельное спасибо за тёплый пол.,Андрей,%s\n" +
		"5,\"Третий объект с «Уютом», всё чётко.\",Григорий,%s\n"
	day := func(daysAgo int) string { return c.at(daysAgo, 12, 0).Format("2006-01-02") }
	csv := fmt.Sprintf(reviews, day(3), day(9), day(15), day(22), day(30))
	if err := adminCall(ctx, base, "POST", "/api/v1/sites/"+siteID+"/widgets/"+widgetID("reviews")+"/reviews/import", "text/csv", csv, nil); err != nil {
		return fmt.Errorf("reviews: %w", err)
	}
	var events []map[string]any
	for i, e := range []struct{ name, city, product string }{{"Ольга", "Москва", "ремонт ванной под ключ"},
		{"Дмитрий", "Химки", "капитальный ремонт двушки"}, {"Анастасия", "Мытищи", "дизайн-проект"},
		{"Игорь", "Москва", "косметический ремонт студии"}, {"Елена", "Одинцово", "натяжные потолки"}} {
		events = append(events, map[string]any{"id": fmt.Sprintf("order-%d", 1040+i), "type": "purchase", "name": e.name,
			"city": e.city, "product": e.product, "time": time.Now().Add(-time.Duration(i+1) * 47 * time.Minute).UTC().Format(time.RFC3339)})
	}
	if err := adminCall(ctx, base, "POST", "/api/v1/sites/"+siteID+"/events", "", map[string]any{"events": events}, nil); err != nil {
		return fmt.Errorf("events: %w", err)
	}
	codes := []string{"УЮТ-7Q2K", "УЮТ-9XW4", "УЮТ-4M1P", "УЮТ-8HB3", "УЮТ-2LDC", "УЮТ-6RTE"}
	if err := adminCall(ctx, base, "POST", "/api/v1/sites/"+siteID+"/code-pools", "", map[string]any{"name": "Скидка 10% на первый ремонт", "codes": codes}, nil); err != nil {
		return fmt.Errorf("code pool: %w", err)
	}
	experiment := map[string]any{"mode": "ab", "variants": []map[string]any{{"id": "control", "weight": 50},
		{"id": "b", "weight": 50, "settings": map[string]any{"title": "Бесплатный замер и смета за 1 день", "color": "#b45309"}}}}
	var started struct{ Experiment struct{ ID string } }
	if err := adminCall(ctx, base, "PUT", "/api/v1/sites/"+siteID+"/widgets/"+widgetID("popup")+"/experiment", "", experiment, &started); err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	if err := seedExperiment(ctx, st, started.Experiment.ID); err != nil {
		return err
	}
	var key struct{ ID string }
	if err := adminCall(ctx, base, "POST", "/api/v1/sites/"+siteID+"/keys", "", map[string]any{"name": "CRM", "scopes": []string{"leads:read"}}, &key); err != nil {
		return fmt.Errorf("API key: %w", err)
	}
	v["key"] = key.ID
	return nil
}

// seedExperiment gives the pop-up's experiment two weeks of visitors:
// the variant converts better, not yet surely.
func seedExperiment(ctx context.Context, st store.Store, id string) error {
	for _, v := range []struct {
		variant             string
		visitors, converted int
	}{{"control", 412, 21}, {"b", 405, 31}} {
		batch := make([]store.Exposure, v.visitors)
		for i := range batch {
			batch[i] = store.Exposure{SiteID: siteID, ExperimentID: id, VisitorID: fmt.Sprintf("v_%s_%04d", v.variant, i), Variant: v.variant}
		}
		batcher, ok := st.(store.ExposureBatcher)
		if !ok {
			return fmt.Errorf("the %s store records no exposures in batches", st.Kind())
		}
		if _, err := batcher.ExposeVisitors(ctx, batch); err != nil {
			return fmt.Errorf("experiment's exposures: %w", err)
		}
		for i := range v.converted {
			if _, err := st.ConvertVisitor(ctx, siteID, id, batch[i].VisitorID); err != nil {
				return fmt.Errorf("experiment's conversions: %w", err)
			}
		}
	}
	return nil
}

// seedPeople gives the site a manager, an owner with two-step sign-in
// (whose sign-in shows the second step), an open invite and a link to its
// analytics for an agency, made by the operator who has just set up.
func seedPeople(ctx context.Context, st store.Store, v values) error {
	acc := accounts.NewService(accounts.Service{Store: st})
	users, err := st.ListUsers(ctx)
	if err != nil || len(users) == 0 {
		return fmt.Errorf("the operator: %d users, %v", len(users), err)
	}
	op := users[0]
	join := func(email, role string) (store.User, error) {
		token, _, err := acc.Invite(ctx, op, siteID, email, role, "203.0.113.1")
		if err != nil {
			return store.User{}, err
		}
		return acc.AcceptInvite(ctx, token, password, "ru", "203.0.113.2")
	}
	if _, err := join(managerEmail, store.RoleManager); err != nil {
		return fmt.Errorf("manager: %w", err)
	}
	owner, err := join(ownerEmail, store.RoleOwner)
	if err != nil {
		return fmt.Errorf("owner: %w", err)
	}
	if _, err := st.UpdateUser(ctx, owner.ID, func(u *store.User) error { u.TOTPSecret = "JBSWY3DPEHPK3PXP"; return nil }); err != nil {
		return fmt.Errorf("owner's two-step sign-in: %w", err)
	}
	token, _, err := acc.Invite(ctx, op, siteID, "sergey@uyut-remont.ru", store.RoleManager, "203.0.113.1")
	if err != nil {
		return fmt.Errorf("open invite: %w", err)
	}
	v["invite"] = token
	share := accounts.NewToken()
	link := store.ShareLink{ID: "shr_uyut_agency", SiteID: siteID, Hash: accounts.HashToken(share), Label: "Агентство «Контекст»",
		CreatedBy: op.ID, CreatedAt: time.Now().UTC()}
	if err := st.CreateShareLink(ctx, link); err != nil {
		return fmt.Errorf("share link: %w", err)
	}
	v["share"] = share
	return nil
}

const (
	operatorEmail = "director@uyut-remont.ru"
	managerEmail  = "anna@uyut-remont.ru"
	ownerEmail    = "ivan@uyut-remont.ru"
	password      = "uyut-remont-2026"
)

// adminCall sends an operator's request; body is JSON unless it is a
// string of contentType. out, when not nil, gets the answer.
func adminCall(ctx context.Context, base, method, path, contentType string, body, out any) error {
	var r io.Reader
	if s, ok := body.(string); ok {
		r = strings.NewReader(s)
	} else {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r, contentType = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Content-Type", contentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, answer)
	}
	if out != nil {
		return json.Unmarshal(answer, out)
	}
	return nil
}
