package redisstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// A site's share links are one hash (link id → JSON) under the site's tag;
// the token's hash finds its link through a global index key. The site's
// hash is not among siteDataKeys, so a deleted site may leave it behind:
// ShareLinkByHash is only used together with a site lookup, which then
// answers not found.
func (s *Store) shareLinksKey(siteID string) string { return s.siteTag(siteID) + ":sharelinks" }
func (s *Store) shareLinkIndex(hash string) string  { return s.prefix + ":sharelink:" + hash }

// CreateShareLink implements store.ShareLinks like CreateAPIKey: the link
// is stored in its site (only while the site exists), then the hash index
// is claimed with SET NX.
func (s *Store) CreateShareLink(ctx context.Context, l store.ShareLink) error {
	const op = "create share link"
	key := s.shareLinksKey(l.SiteID)
	if err := s.createInSite(ctx, l.SiteID, key, l.ID, l); err != nil {
		return wrap(op, err)
	}
	claimed, err := s.client.SetNX(ctx, s.shareLinkIndex(l.Hash), apiKeyRef(l.SiteID, l.ID), 0).Result()
	if err == nil && !claimed {
		err = store.ErrConflict
	}
	if err != nil {
		undo := s.client.HDel(context.WithoutCancel(ctx), key, l.ID).Err()
		return wrap(op, errors.Join(err, undo))
	}
	return nil
}

// ListShareLinks implements store.ShareLinks.
func (s *Store) ListShareLinks(ctx context.Context, siteID string) ([]store.ShareLink, error) {
	list, err := hashValues[store.ShareLink](ctx, s, s.shareLinksKey(siteID))
	if err != nil {
		return nil, wrap("list share links", err)
	}
	slices.SortFunc(list, func(a, b store.ShareLink) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return list, nil
}

// ShareLinkByHash implements store.ShareLinks: the index names the site
// and link, and the link found there must carry the hash asked for.
func (s *Store) ShareLinkByHash(ctx context.Context, hash string) (store.ShareLink, error) {
	const op = "get share link"
	ref, err := s.client.Get(ctx, s.shareLinkIndex(hash)).Result()
	if err != nil {
		return store.ShareLink{}, wrap(op, err)
	}
	siteID, id, _ := strings.Cut(ref, "/")
	var l store.ShareLink
	raw, err := s.client.HGet(ctx, s.shareLinksKey(siteID), id).Bytes()
	if err == nil {
		err = json.Unmarshal(raw, &l)
	}
	if err == nil && (l.Hash != hash || l.SiteID != siteID) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.ShareLink{}, wrap(op, err)
	}
	return l, nil
}

// RevokeShareLink implements store.ShareLinks: the index goes first, so a
// link is never found once its revocation began.
func (s *Store) RevokeShareLink(ctx context.Context, siteID, id string) error {
	const op = "revoke share link"
	key := s.shareLinksKey(siteID)
	raw, err := s.client.HGet(ctx, key, id).Bytes()
	if err != nil {
		return wrap(op, err)
	}
	var l store.ShareLink
	if err := json.Unmarshal(raw, &l); err != nil {
		return wrap(op, err)
	}
	if err := s.delIfEqual(ctx, s.shareLinkIndex(l.Hash), apiKeyRef(siteID, id)); err != nil {
		return wrap(op, err)
	}
	n, err := s.client.HDel(ctx, key, id).Result()
	if err == nil && n == 0 {
		err = redis.Nil // revoked by someone else meanwhile
	}
	return wrap(op, err)
}
