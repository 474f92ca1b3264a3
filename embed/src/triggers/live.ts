// The engine's own live connection, for the owner's pushes on a site
// without a social-proof widget (whose bundle otherwise carries them as
// 'live:show' events; docs/TRIGGERS.md, "Push"). It reuses the social-proof
// feed (WebSocket, then SSE, then polling; reconnects with backoff) as a
// push-only member: the server sends it hello, show, reconnect and pings.

import { feed } from '../widgets/social_proof/live';
import type { WidgetContext } from '../types';

export interface Pages {
  include?: string[];
  exclude?: string[];
}

/** A push as the engine gets it. */
export interface Push {
  id: string;
  pages?: Pages;
}

/**
 * Opens the connection as widget wid (a widget with a push trigger) and
 * emits 'live:show' {id, pages} for every push, as the social-proof bundle
 * does (so the page sees it too); a push a poll answer repeats (the server
 * keeps the pushes of the last minute) is emitted once.
 */
export function listen(ctx: WidgetContext<any>, wid: string): void {
  const seen: Record<string, 1> = {};
  const base = ctx.base + '/w/v1/' + encodeURIComponent(ctx.site.key) + '/live';
  feed({
    ws: base.replace(/^http/, 'ws'),
    http: base,
    query: () => new URLSearchParams({ widget_id: wid, visitor_id: ctx.visitorId, page: location.pathname }).toString(),
    on(m: any) {
      const list = m.type === 'show' ? [m] : m.type === 'poll' && m.show ? m.show : [];
      for (const s of list) {
        if (!s || typeof s.widget !== 'string') continue;
        // Each push has its id: a poll repeats the pushes of the last minute.
        if (s.id) {
          if (seen[s.id]) continue;
          seen[s.id] = 1;
        }
        ctx.emit('live:show', { id: s.widget, pages: s.pages });
      }
    },
  });
}
