// DOM helpers for widgets: elements are built with properties and text,
// never with innerHTML, so nothing a user wrote is ever parsed as markup.

type Attrs = Record<string, string | number | boolean | null | undefined>;

/**
 * Creates an element. Attributes go through setAttribute (false/null/undefined
 * leave them out, true sets an empty value); children are nodes or text.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const k in attrs) {
      const v = attrs[k];
      if (v === false || v === null || v === undefined) continue;
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children) {
    if (c || c === '') el.append(c);
  }
  return el;
}

/** An inline SVG icon (24×24 viewBox) from path data; decorative, hidden from screen readers. */
export function icon(d: string, cls: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', cls);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  svg.appendChild(path);
  return svg;
}

/** Replaces an element's children with text. */
export function text(el: Element, s: string): void {
  el.textContent = s;
}

/** Elements that can take keyboard focus inside root, in order, visible ones only. */
export function focusables(root: Element): HTMLElement[] {
  return Array.from(
    root.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], [tabindex]'),
  ).filter(
    (el) =>
      el.tabIndex >= 0 &&
      !(el as HTMLButtonElement).disabled &&
      el.getClientRects().length > 0 &&
      !el.closest('[hidden],[aria-hidden="true"]'),
  );
}

const sheets: Record<string, CSSStyleSheet> = {};

/**
 * Adds css to a shadow root once: a constructed stylesheet where supported
 * (a page whose CSP has no 'unsafe-inline' in style-src allows it), else a
 * <style> appended to fallbackParent. One sheet per css text is shared by
 * every shadow root that adopts it.
 */
export function adoptStyle(shadow: ShadowRoot, fallbackParent: Node, css: string): void {
  const s = shadow as ShadowRoot & { adoptedStyleSheets?: CSSStyleSheet[] };
  try {
    if (s.adoptedStyleSheets && 'replaceSync' in CSSStyleSheet.prototype) {
      let sheet = sheets[css];
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        sheets[css] = sheet;
      }
      if (s.adoptedStyleSheets.indexOf(sheet) < 0) s.adoptedStyleSheets = s.adoptedStyleSheets.concat(sheet);
      return;
    }
  } catch (e) {
    // fall through to a <style> element
  }
  fallbackParent.appendChild(h('style', null, css));
}
