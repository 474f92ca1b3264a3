// A top bar in push mode (settings.top_bar "push", the default) moves the
// page down by its height instead of covering the page's header:
//
// - <html> gets a margin-top of the bar's height, so the page's flow starts
//   below the bar;
// - the page's own fixed and sticky elements under the bar (a fixed header,
//   a sticky menu) get their `top` lowered by as much, inline and
//   !important, and their own inline value back when the bar goes;
// - the height is remembered in localStorage (beckon_top_<siteKey> = "<widget
//   id> <px>"), and the loader reserves it on the next page view before it
//   even asks for the config, so a returning visitor's page does not jump
//   when the bar appears; the bundle lowers the page's header into that room
//   as soon as it runs, before the server's answer. The loader drops a
//   reservation whose widget is no longer in the config; the widget drops it
//   when its bar will not show or no longer pushes.

/** Where the room is reserved; the loader writes the same style. */
const html = () => document.documentElement;

export interface Push {
  /** Reserves px at the top (again, when the bar's height changed). */
  set(px: number): void;
  /** Gives the room back to the page and forgets it for later page views. */
  clear(): void;
  /** The height the loader kept for this widget, or 0. */
  kept(): number;
}

export function pagePush(siteKey: string, widgetId: string): Push {
  const key = 'beckon_top_' + siteKey;
  let px = 0;
  // Page elements lowered, with their own inline top to put back.
  let moved: [HTMLElement, string, string][] = [];
  let pending = 0;

  const isMoved = (el: HTMLElement) => moved.some((m) => m[0] === el);

  /** Lowers the page's fixed and sticky elements that sit under the bar. */
  function lift() {
    pending = 0;
    if (!px || !document.body) return;
    const found: HTMLElement[] = [];
    const w = innerWidth;
    // Under the bar (fixed elements), and just below it (sticky ones, which
    // stick under the bar once the page scrolls).
    for (const y of [px / 2, px + 1]) {
      for (let i = 1; i < 8; i += 2) {
        for (const hit of document.elementsFromPoint((w * i) / 8, y)) {
          for (let el: Element | null = hit; el && el !== html() && el !== document.body; el = el.parentElement) {
            if (el.localName === 'beckon-root') break;
            const pos = getComputedStyle(el).position;
            if (pos === 'fixed' || pos === 'sticky') {
              if (found.indexOf(el as HTMLElement) < 0 && !isMoved(el as HTMLElement)) found.push(el as HTMLElement);
              break;
            }
          }
        }
      }
    }
    for (const el of found) {
      const top = parseFloat(getComputedStyle(el).top);
      if (!(top < px)) continue;
      moved.push([el, el.style.getPropertyValue('top'), el.style.getPropertyPriority('top')]);
      el.style.setProperty('top', top + px + 'px', 'important');
    }
  }

  function drop() {
    for (const [el, top, prio] of moved) el.style.setProperty('top', top, prio);
    moved = [];
  }

  // A header that becomes fixed as the page scrolls is found then; at most
  // once a frame.
  const onScroll = () => {
    if (!pending) pending = requestAnimationFrame(lift);
  };

  function remember(v: string) {
    try {
      if (v) localStorage.setItem(key, v);
      else localStorage.removeItem(key);
    } catch (e) {
      // storage blocked: every page view shifts once
    }
  }

  const push: Push = {
    set(h: number) {
      h = Math.ceil(h);
      if (h === px) return;
      drop();
      if (!px) addEventListener('scroll', onScroll, { passive: true });
      px = h;
      html().style.marginTop = h + 'px';
      remember(widgetId + ' ' + h);
      lift();
    },
    clear() {
      drop();
      removeEventListener('scroll', onScroll);
      cancelAnimationFrame(pending);
      pending = 0;
      px = 0;
      html().style.marginTop = '';
      remember('');
    },
    kept() {
      let v: string[] = [];
      try {
        v = (localStorage.getItem(key) || '').split(' ');
      } catch (e) {
        // storage blocked: the loader kept nothing
      }
      return v[0] === widgetId ? +v[1] || 0 : 0;
    },
  };
  return push;
}
