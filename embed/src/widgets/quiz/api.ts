// Talking to the quiz API (under ctx.base + /w/v1/{siteKey}/quizzes/{wid})
// and reading what travels with a session: the page, its UTM tags and the
// page's own data-* values (hidden fields).

import type { WidgetContext } from '../../types';

/** A finished request: status 0 when the network failed; body null when it was not JSON. */
export interface Reply {
  status: number;
  body: any;
  /** Retry-After in seconds, 0 when absent. */
  retry: number;
}

/** A JSON request that never rejects: failures come back as status 0. */
export function call(ctx: WidgetContext<any>, method: string, path: string, body?: unknown): Promise<Reply> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  return ctx.api(path, init).then(
    (r) =>
      r.text().then((s) => {
        let j: any = null;
        try {
          j = s ? JSON.parse(s) : null;
        } catch (e) {
          // not JSON: the status says what happened
        }
        return { status: r.status, body: j, retry: parseInt(r.headers.get('Retry-After') || '', 10) || 0 };
      }),
    () => ({ status: 0, body: null, retry: 0 }),
  );
}

const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'];

/** The page the visitor is on: its URL (without a resume fragment), referrer and UTM tags. */
export function pageInfo(): { page_url: string; referrer: string; utm: Record<string, string> } {
  const utm: Record<string, string> = {};
  const query = new URLSearchParams(location.search);
  for (const k of UTM) {
    const v = query.get(k);
    if (v) utm[k] = v.slice(0, 200);
  }
  return {
    page_url: location.href.replace(/#beckon-quiz=[^&]*$/, '').slice(0, 2048),
    referrer: document.referrer.slice(0, 2048),
    utm,
  };
}

/** The loader's own attributes and the opener's: not hidden fields. */
const OWN = /^data-(site|lang|beckon-quiz)$/;

/**
 * Adds the data-* attributes of el to hidden ("data-product-id" becomes
 * "product_id"), except the loader's and the opener's own.
 */
export function addHidden(hidden: Record<string, string>, el: Element | null | undefined): void {
  if (!el) return;
  for (const a of Array.from(el.attributes)) {
    // The server keeps up to 20, named 1-40 of a-z, 0-9, _ and -, one line each.
    if (a.name.indexOf('data-') === 0 && !OWN.test(a.name) && Object.keys(hidden).length < 20) {
      hidden[a.name.slice(5).replace(/[^a-z0-9_-]/g, '_').slice(0, 40)] = a.value.replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, 500);
    }
  }
}

/** The snippet's <script> for this site (its data-* values are hidden fields too). */
export function snippet(siteKey: string): HTMLScriptElement | null {
  const all = Array.from(document.querySelectorAll<HTMLScriptElement>('script[data-site]'));
  return all.filter((s) => s.getAttribute('data-site') === siteKey && /\/embed\.js([?#]|$)/.test(s.src))[0] || null;
}
