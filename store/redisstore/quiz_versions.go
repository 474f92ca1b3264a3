package redisstore

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// The versions of a site's quizzes, in the site's slot:
//
//	<prefix>:{s:<siteID>}:qv      hash: "<widget>\0h\0<sha256 hex>" → version,
//	                              "<widget>\0n" → the last version,
//	                              "<widget>\0t\0<version>" → created (Unix ns)
//	<prefix>:{s:<siteID>}:qvdefs  hash: "<widget>\0<version>" → the definition
//
// Definitions are apart from the small fields so that reading a version
// number never moves a definition.
func (s *Store) versionsKey(siteID string) string    { return s.siteTag(siteID) + ":qv" }
func (s *Store) definitionsKey(siteID string) string { return s.siteTag(siteID) + ":qvdefs" }

var (
	//go:embed lua/quiz_version.lua
	quizVersionLua    string
	scriptQuizVersion = redis.NewScript(quizVersionLua)
)

func versionHashField(widgetID string, def []byte) string {
	sum := sha256.Sum256(def)
	return widgetID + "\x00h\x00" + hex.EncodeToString(sum[:])
}

func versionCountField(widgetID string) string { return widgetID + "\x00n" }
func versionTimeField(widgetID string) string  { return widgetID + "\x00t\x00" }
func definitionField(widgetID string) string   { return widgetID + "\x00" }

// QuizVersion implements store.Quizzes. A definition seen before (every
// session but the first of each version) costs one HGET; a new one is
// numbered by quiz_version.lua, which looks again, so concurrent first
// calls agree.
func (s *Store) QuizVersion(ctx context.Context, siteID, widgetID string, def []byte, now time.Time) (int, error) {
	const op = "quiz version"
	hashField := versionHashField(widgetID, def)
	v, err := s.client.HGet(ctx, s.versionsKey(siteID), hashField).Int()
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, redis.Nil) {
		return 0, wrap(op, err)
	}
	keys := []string{s.siteKey(siteID), s.versionsKey(siteID), s.definitionsKey(siteID)}
	v, err = scriptQuizVersion.Run(ctx, s.client, keys, hashField, versionCountField(widgetID), versionTimeField(widgetID), definitionField(widgetID), def, store.UnixNanos(now)).Int()
	if err == nil && v == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return 0, wrap(op, err)
	}
	return v, nil
}

// GetQuizVersion implements store.Quizzes.
func (s *Store) GetQuizVersion(ctx context.Context, siteID, widgetID string, v int) ([]byte, error) {
	def, err := s.client.HGet(ctx, s.definitionsKey(siteID), definitionField(widgetID)+strconv.Itoa(v)).Bytes()
	if err != nil {
		return nil, wrap("get quiz version", err)
	}
	return def, nil
}

// ListQuizVersions implements store.Quizzes: versions are numbered 1 to
// the last, so their times are one HMGET.
func (s *Store) ListQuizVersions(ctx context.Context, siteID, widgetID string) ([]store.QuizVersionInfo, error) {
	const op = "list quiz versions"
	last, err := s.client.HGet(ctx, s.versionsKey(siteID), versionCountField(widgetID)).Int()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap(op, err)
	}
	fields := make([]string, last)
	for i := range fields {
		fields[i] = versionTimeField(widgetID) + strconv.Itoa(i+1)
	}
	times, err := s.client.HMGet(ctx, s.versionsKey(siteID), fields...).Result()
	if err != nil {
		return nil, wrap(op, err)
	}
	list := make([]store.QuizVersionInfo, 0, last)
	for i, t := range times {
		str, _ := t.(string)
		ns, err := strconv.ParseInt(str, 10, 64)
		if err != nil {
			return nil, wrap(op, err)
		}
		list = append(list, store.QuizVersionInfo{Version: i + 1, CreatedAt: time.Unix(0, ns).UTC()})
	}
	return list, nil
}
