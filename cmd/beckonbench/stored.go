package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/valyala/fasthttp"
)

// adminList names one of the admin API's paged lists: the path below
// /api/v1/sites/{id} with its query, the key of its items, the key of the
// next page's mark and the query parameter that sends it back.
type adminList struct {
	path, items, next, param string
}

var (
	quizLeadList = adminList{path: "/leads?type=quiz&limit=500", items: "leads", next: "next_cursor", param: "cursor"}
	callbackList = adminList{path: "/callbacks?limit=500", items: "callbacks", next: "next_before", param: "before"}
)

// checkStored pages through l and exits with an error when an id the
// benchmark saw accepted (answered with status) is not there: load must
// never lose what it was told was kept.
func checkStored(base, token, siteID string, l adminList, what string, status int, accepted map[string]bool) {
	stored, err := storedIDs(base, token, siteID, l)
	if err != nil {
		fmt.Fprintf(os.Stderr, "beckonbench: list %s: %v\n", l.items, err)
		os.Exit(1)
	}
	missing := 0
	for id := range accepted {
		if !stored[id] {
			missing++
		}
	}
	fmt.Printf("%saccepted (%d): %d; found afterwards through the admin API: %d; missing: %d\n", what, status, len(accepted), len(accepted)-missing, missing)
	if missing > 0 {
		os.Exit(1)
	}
}

// storedIDs pages through the site's list l and returns the ids in it.
func storedIDs(base, token, siteID string, l adminList) (map[string]bool, error) {
	ids := map[string]bool{}
	mark := ""
	for {
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		u := base + "/api/v1/sites/" + siteID + l.path
		if mark != "" {
			u += "&" + l.param + "=" + mark
		}
		req.SetRequestURI(u)
		req.Header.Set("Authorization", "Bearer "+token)
		err := fasthttp.DoTimeout(req, resp, time.Minute)
		var page map[string]json.RawMessage
		if err == nil && resp.StatusCode() != 200 {
			err = fmt.Errorf("status %d: %s", resp.StatusCode(), resp.Body())
		}
		if err == nil {
			err = json.Unmarshal(resp.Body(), &page)
		}
		fasthttp.ReleaseRequest(req)
		fasthttp.ReleaseResponse(resp)
		var items []struct{ ID string }
		if err == nil {
			err = json.Unmarshal(page[l.items], &items)
		}
		mark = ""
		if err == nil && page[l.next] != nil {
			err = json.Unmarshal(page[l.next], &mark)
		}
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			ids[it.ID] = true
		}
		if mark == "" {
			return ids, nil
		}
	}
}
