// The engine's own live connection, for the owner's pushes on a site
// without a social-proof widget (whose bundle otherwise carries them as
// 'live:show' events; docs/TRIGGERS.md, "Push"). It reuses the social-proof
// feed (WebSocket, then SSE, then polling; reconnects with backoff; each
// push passed on once per tab session, however it came) as a push-only
// member: the server sends it hello, show, reconnect and pings.

import { feed } from '../widgets/social_proof/live';
import type { WidgetContext } from '../types';

export interface Pages {
  include?: string[];
  exclude?: string[];
}

/** A push as the engine gets it ('live:show' detail). */
export interface Push {
  id: string;
  pages?: Pages;
}

/**
 * Opens the connection as widget wid (a widget with a push trigger) and
 * emits 'live:show' {id, pages, push_id} for every push, as the
 * social-proof bundle does, so the page sees it too.
 */
export function listen(ctx: WidgetContext<any>, wid: string): void {
  const base = ctx.base + '/w/v1/' + encodeURIComponent(ctx.site.key) + '/live';
  feed({
    ws: base.replace(/^http/, 'ws'),
    http: base,
    query: () => new URLSearchParams({ widget_id: wid, visitor_id: ctx.visitorId, page: location.pathname }).toString(),
    on(m: any) {
      if (m.type === 'show' && typeof m.widget === 'string') ctx.emit('live:show', { id: m.widget, pages: m.pages, push_id: m.push_id });
    },
  });
}
