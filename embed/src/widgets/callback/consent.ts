// The link to the owner's privacy policy (consent.url) in the form: the
// consent text's words in [square brackets] become the link, so the owner
// chooses them in each language; a text without brackets gets the link
// after it, named by the widget.

import { h } from '../_shared/dom';

/** An https URL, or '' (the server accepts only those; this keeps any other out of href). */
export function policyURL(url: unknown): string {
  return typeof url === 'string' && /^https:\/\/[^\s]+$/i.test(url) ? url : '';
}

/** The policy link; a new tab, so the form keeps what the visitor typed. */
export function policyLink(url: string, words: string): HTMLAnchorElement {
  return h('a', { href: url, target: '_blank', rel: 'noopener' }, words);
}

/**
 * The consent text as nodes: "[words]" linked to url (the brackets
 * dropped); with no brackets, the text, a space and a link named fallback.
 * Without a url the bracketed words stay, as plain text.
 */
export function consentNodes(text: string, url: string, fallback: string): (Node | string)[] {
  const re = /\[([^\[\]]+)\]/g;
  if (!url) return [text.replace(re, '$1')];
  const out: (Node | string)[] = [];
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(text.slice(at, m.index), policyLink(url, m[1]));
    at = m.index + m[0].length;
  }
  if (!out.length) return [text, ' ', policyLink(url, fallback)];
  out.push(text.slice(at));
  return out;
}
