// The all-of conditions and the caps: pure functions of the block, the page
// and the remembered state.

import type { Block } from './block';
import type { Seen, State } from './state';

const DAY = 86400 * 1000;

/**
 * Whether a page path matches a pattern: without "*" the pattern is a
 * prefix of whole path segments ("/sale" is /sale and /sale/winter, not
 * /salepoint); with "*" a glob over the whole path, "*" standing for any
 * characters (slashes too).
 */
export function matches(pattern: string, path: string): boolean {
  if (pattern.indexOf('*') < 0) return path === pattern || path.indexOf(/\/$/.test(pattern) ? pattern : pattern + '/') === 0;
  const re = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp('^' + re + '$').test(path);
}

/** A phone: a narrow screen, or a touch screen without a hovering pointer. */
export function isPhone(): boolean {
  return matchMedia('(max-width: 767px), (hover: none) and (pointer: coarse)').matches;
}

/** Whether path is one of pages: in include (or include is empty) and not in exclude. */
export function onPages(pages: { include?: string[]; exclude?: string[] }, path: string): boolean {
  const any = (list?: string[]) => !!list && list.some((p) => matches(p, path));
  return (!pages.include || !pages.include.length || any(pages.include)) && !any(pages.exclude);
}

/** The conditions that hold for the whole page view: pages, device, visitor, source. */
export function welcome(b: Block, path: string, phone: boolean, st: State): boolean {
  if (!onPages(b.pages, path)) return false;
  if (b.device !== 'any' && (b.device === 'phone') !== phone) return false;
  if (b.visitor !== 'any' && (b.visitor === 'new') !== (st.n <= 1)) return false;
  if (b.utm_source.length && b.utm_source.indexOf(st.u) < 0) return false;
  return true;
}

/** Whether the caps let the widget show once more at time now. */
export function capped(b: Block, s: Seen, now: number): boolean {
  const c = b.caps;
  return (
    (c.per_visit > 0 && s.c >= c.per_visit) ||
    (c.every_days > 0 && s.t > 0 && now - s.t < c.every_days * DAY) ||
    (c.after_conversion === 'never' && !!s.x) ||
    (c.max_dismissals > 0 && s.d >= c.max_dismissals)
  );
}
