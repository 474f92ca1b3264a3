package quiz

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// version is one stored version of a quiz, compiled: what sessions that
// started on it answer, whatever the owner has saved since.
type version struct {
	n      int
	def    *Definition
	public any // the settings as the browser gets them
	// steps counts the questions and order gives each one's place, for
	// progress.
	steps int
	order map[string]int
}

// versionsCached bounds each of the caches below; when one fills it starts
// again empty (a store read per entry refills it), which is simpler than an
// LRU and costs nothing at the sizes real installations reach.
const versionsCached = 4096

// versions finds the version of a widget's current settings and compiles
// stored versions, each once per replica: a hot quiz neither writes its
// definition nor compiles its formulas per session.
type versions struct {
	st store.Quizzes

	mu      sync.RWMutex
	current map[currentKey]int      // the hash of a widget's stored settings → its version
	byN     map[versionKey]*version // compiled versions
}

type currentKey struct {
	siteID, widgetID string
	sum              [sha256.Size]byte
}

type versionKey struct {
	siteID, widgetID string
	n                int
}

func newVersions(st store.Quizzes) *versions {
	return &versions{st: st, current: map[currentKey]int{}, byN: map[versionKey]*version{}}
}

// Current is the version of w's settings as they are now, registered in the
// store the first time they are seen (a new version when the owner edited
// the quiz).
func (v *versions) Current(ctx context.Context, site *widgets.Site, w widgets.Widget, now time.Time) (*version, error) {
	key := currentKey{siteID: site.ID, widgetID: w.ID, sum: sha256.Sum256(w.Settings)}
	v.mu.RLock()
	n, ok := v.current[key]
	v.mu.RUnlock()
	if !ok {
		snap, err := snapshot(w.Settings)
		if err != nil {
			return nil, err
		}
		if n, err = v.st.QuizVersion(ctx, site.ID, w.ID, snap, now); err != nil {
			return nil, fmt.Errorf("quiz: register the version of widget %s: %w", w.ID, err)
		}
		v.mu.Lock()
		if len(v.current) >= versionsCached {
			clear(v.current)
		}
		v.current[key] = n
		v.mu.Unlock()
	}
	return v.At(ctx, site, w.ID, n)
}

// At is version n of a widget, compiled; store.ErrNotFound when there is
// none.
func (v *versions) At(ctx context.Context, site *widgets.Site, widgetID string, n int) (*version, error) {
	key := versionKey{siteID: site.ID, widgetID: widgetID, n: n}
	v.mu.RLock()
	ver, ok := v.byN[key]
	v.mu.RUnlock()
	if ok {
		return ver, nil
	}
	raw, err := v.st.GetQuizVersion(ctx, site.ID, widgetID, n)
	if err != nil {
		return nil, fmt.Errorf("quiz: read version %d of widget %s: %w", n, widgetID, err)
	}
	def, err := ParseDefinition(raw, site.Site)
	if err != nil {
		return nil, fmt.Errorf("quiz: compile version %d of widget %s: %w", n, widgetID, err)
	}
	ver = &version{n: n, def: def, public: def.Settings().Public(), order: map[string]int{}}
	for i, st := range def.Settings().Steps {
		ver.order[st.ID] = i
	}
	ver.steps = len(ver.order)
	v.mu.Lock()
	if len(v.byN) >= versionsCached {
		clear(v.byN)
	}
	v.byN[key] = ver
	v.mu.Unlock()
	return ver, nil
}

// snapshotOmits are settings that are not part of what a visitor answers:
// where the owner's webhooks go (and their secret, which a stored version
// must not keep). Changing them makes no new version.
var snapshotOmits = []string{"notify_url", "notify_secret"}

// snapshot is the definition kept as a version: the stored settings without
// snapshotOmits, keys in a stable order (identical quizzes, identical bytes).
func snapshot(settings json.RawMessage) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(settings, &fields); err != nil {
		return nil, fmt.Errorf("quiz: read stored settings: %w", err)
	}
	for _, k := range snapshotOmits {
		delete(fields, k)
	}
	return json.Marshal(fields)
}
