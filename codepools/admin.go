package codepools

import (
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
)

// create is POST /api/v1/sites/{id}/code-pools {"name","codes":[…]}: a new
// pool with its first codes (repeats counted once). Bad input stores
// nothing.
func (p *pools) create(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, p.d.Store, ScopeWrite)
	if err != nil {
		return err
	}
	var in poolInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	pool := store.CodePool{ID: newPoolID(), SiteID: site.ID, Name: in.Name, CreatedAt: time.Now().UTC()}
	err = p.d.Store.CreateCodePool(c.UserContext(), pool, in.Codes, store.MaxPoolCodes)
	switch {
	case errors.Is(err, store.ErrPoolFull):
		return poolFull(0)
	case err != nil:
		return api.NotFoundAs(err, "site")
	}
	if pool, err = p.d.Store.GetCodePool(c.UserContext(), site.ID, pool.ID); err != nil {
		return err
	}
	p.d.Log.Info("code pool created", "site_id", site.ID, "pool_id", pool.ID, "codes", pool.Total)
	return c.Status(http.StatusCreated).JSON(pool)
}

// list is GET /api/v1/sites/{id}/code-pools: the site's pools, oldest
// first, with their counts.
func (p *pools) list(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, p.d.Store, ScopeRead)
	if err != nil {
		return err
	}
	list, err := p.d.Store.ListCodePools(c.UserContext(), site.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.CodePool{}
	}
	return c.JSON(fiber.Map{"pools": list})
}

// get is GET /api/v1/sites/{id}/code-pools/{pid}: the pool's name and how
// many of its codes have been handed out.
func (p *pools) get(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, p.d.Store, ScopeRead)
	if err != nil {
		return err
	}
	pool, err := p.d.Store.GetCodePool(c.UserContext(), site.ID, c.Params("pid"))
	if err != nil {
		return api.NotFoundAs(err, "code pool")
	}
	return c.JSON(pool)
}

// addCodes is POST /api/v1/sites/{id}/code-pools/{pid}/codes {"codes"}:
// more codes at the end of the pool; codes it has (handed out or not) are
// skipped. All or nothing.
func (p *pools) addCodes(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, p.d.Store, ScopeWrite)
	if err != nil {
		return err
	}
	var in codesInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	poolID := c.Params("pid")
	added, total, err := p.d.Store.AddCodes(c.UserContext(), site.ID, poolID, in.Codes, store.MaxPoolCodes)
	if errors.Is(err, store.ErrPoolFull) {
		pool, gerr := p.d.Store.GetCodePool(c.UserContext(), site.ID, poolID)
		if gerr != nil {
			return api.NotFoundAs(gerr, "code pool")
		}
		return poolFull(pool.Total)
	}
	if err != nil {
		return api.NotFoundAs(err, "code pool")
	}
	return c.JSON(fiber.Map{"added": added, "total": total})
}

// delete is DELETE /api/v1/sites/{id}/code-pools/{pid}: the pool, its
// codes and who got them. Widgets that name it answer pool_empty after.
func (p *pools) delete(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, p.d.Store, ScopeWrite)
	if err != nil {
		return err
	}
	if err := p.d.Store.DeleteCodePool(c.UserContext(), site.ID, c.Params("pid")); err != nil {
		return api.NotFoundAs(err, "code pool")
	}
	p.d.Log.Info("code pool deleted", "site_id", site.ID, "pool_id", c.Params("pid"))
	return c.SendStatus(http.StatusNoContent)
}
