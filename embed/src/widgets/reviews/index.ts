// The reviews widget: published reviews (a list, a carousel or a badge
// "4.7 ★ · 213 reviews") with their real dates, marks (verified purchase,
// imported) and the shop's answers, the average and count of all published
// reviews, and the form that sends a new one (pending until the owner
// publishes it). Floating: a badge in the bottom-left corner opens a panel.
// Inline: rendered into the page's element matched by settings.selector.
// A page of one product says which (data-beckon-about="sku-123" on any
// element) when the widget's settings name none: the list, the average
// and new reviews are that product's.
// A page opened from a request link (?beckon_review=<token>) opens the
// form for that order. With settings.json_ld the page's head gets a
// schema.org AggregateRating with up to 10 Reviews, only of published ones.
//
// Page events: reviews:shown {id}, reviews:sent {id, review_id}.

import type { WidgetContext, WidgetFactory } from '../../types';
import { palette } from '../_shared/color';
import { adoptStyle, focusables, h } from '../_shared/dom';
import { fill, lang, pick } from '../_shared/i18n';
import { call } from '../quiz/api';
import { css } from './style';
import { plural, texts } from './texts';

type L = Record<string, string>;

interface Settings {
  mode: string;
  layout: string;
  placement: string;
  position?: string;
  selector?: string;
  color: string;
  title?: L;
  about?: string;
  min_rating_shown: number;
  json_ld: boolean;
  json_ld_name?: string;
  only_with_request: boolean;
  photos: boolean;
  consent: { required: boolean; text?: L; text_ids?: L; url?: string };
}

interface Review {
  id: string;
  rating: number;
  text: string;
  name: string;
  about?: string;
  date: string;
  verified: boolean;
  imported: boolean;
  photo_url?: string;
  answer?: { text: string; date: string };
}

const TOKEN = 'beckon_review';
const MAX_PHOTO = 5 << 20;

const factory: WidgetFactory<Settings> = (ctx: WidgetContext<Settings>) => {
  const s = ctx.widget.settings;
  const wid = ctx.widget.id;
  const loc = lang(ctx.locale);
  const t = texts[loc];
  const uid = 'bkrv-' + wid.replace(/[^\w-]/g, '');
  const pal = palette(s.color || '', '#2563eb');
  const shows = s.mode !== 'collect';
  const collects = s.mode !== 'show';
  const title = pick(s.title, ctx.locale, ctx.site.locale, t.title);
  const path = '/widgets/' + encodeURIComponent(wid) + '/reviews';
  // The product or page a widget without its own about is showing now: the
  // page's data-beckon-about="sku-123" (one widget serves a whole catalogue).
  const aboutEl = s.about ? null : document.querySelector('[data-beckon-about]');
  const about = ((aboutEl && aboutEl.getAttribute('data-beckon-about')) || '').trim().slice(0, 200);
  const dates = (() => {
    try {
      return new Intl.DateTimeFormat(ctx.locale, { day: 'numeric', month: 'long', year: 'numeric' });
    } catch (e) {
      return null;
    }
  })();
  const day = (iso: string) => {
    const d = new Date(iso);
    return dates ? dates.format(d) : d.toISOString().slice(0, 10);
  };
  const avgText = (a: number) => a.toFixed(1).replace('.', loc === 'en' ? '.' : ',');

  // What the server said: the reviews so far, the next page, the totals.
  let list: Review[] = [];
  let next = '';
  let count = 0;
  let avg = 0;
  let loaded = false;
  const repaint: (() => void)[] = [];

  const box = (cls: string) => {
    const el = h('div', { class: 'bkrv ' + cls });
    el.style.setProperty('--bk-strong', pal.strong);
    el.style.setProperty('--bk-on-strong', pal.onStrong);
    return el;
  };

  function stars(n: number, label: boolean): HTMLElement {
    const r = Math.round(n);
    const el = h('span', { class: 'stars', role: label ? 'img' : null, 'aria-hidden': label ? null : 'true' }, '★★★★★'.slice(0, r) + '☆☆☆☆☆'.slice(0, 5 - r));
    if (label) el.setAttribute('aria-label', plural(loc, t.star, r));
    return el;
  }

  function summary(): HTMLElement {
    const countText = plural(loc, t.count, count);
    if (!count) return h('p', { class: 'empty' }, t.none);
    return h('p', { class: 'sum' }, h('b', null, avgText(avg)), stars(avg, false), h('span', { class: 'sr' }, fill(t.average, { avg: avgText(avg) })), h('span', { class: 'n' }, countText));
  }

  function card(r: Review): HTMLElement {
    const li = h(
      'li',
      { class: 'rv' },
      h('div', { class: 'hd' }, stars(r.rating, true), h('span', { class: 'who' }, r.name), h('time', { datetime: r.date }, day(r.date))),
    );
    if (r.verified || r.imported) {
      const marks = h('div', { class: 'hd' });
      if (r.verified) marks.append(h('span', { class: 'mark v' }, '✓ ' + t.verified));
      if (r.imported) marks.append(h('span', { class: 'mark' }, t.imported));
      li.append(marks);
    }
    li.append(h('p', { class: 'body' }, r.text));
    if (r.photo_url) li.append(h('img', { class: 'ph', src: ctx.base + r.photo_url, alt: t.photo_alt, loading: 'lazy', width: 120, height: 90 }));
    if (r.answer) li.append(h('div', { class: 'ans' }, h('strong', null, t.answer), h('p', null, r.answer.text)));
    return li;
  }

  function load(more: boolean): Promise<void> {
    const q = new URLSearchParams();
    if (about) q.set('about', about);
    if (more && next) q.set('cursor', next);
    return call(ctx, 'GET', path + (q.toString() ? '?' + q : '')).then((r) => {
      if (r.status !== 200 || !r.body) return;
      list = more ? list.concat(r.body.reviews) : r.body.reviews;
      next = r.body.next_cursor || '';
      count = r.body.count;
      avg = r.body.average;
      loaded = true;
      repaint.forEach((f) => f());
      if (!more) jsonLD();
    });
  }

  /** schema.org AggregateRating and up to 10 Reviews in the page's head: published reviews only. */
  function jsonLD() {
    if (!s.json_ld || !count) return;
    const id = uid + '-ld';
    const old = document.getElementById(id);
    if (old) old.remove();
    const data = {
      '@context': 'https://schema.org',
      '@type': s.about || about ? 'Product' : 'Organization',
      name: s.json_ld_name || document.title,
      aggregateRating: { '@type': 'AggregateRating', ratingValue: avg, bestRating: 5, worstRating: 1, ratingCount: count, reviewCount: count },
      review: list.slice(0, 10).map((r) => ({
        '@type': 'Review',
        author: { '@type': 'Person', name: r.name },
        datePublished: r.date.slice(0, 10),
        reviewBody: r.text,
        reviewRating: { '@type': 'Rating', ratingValue: r.rating, bestRating: 5, worstRating: 1 },
      })),
    };
    const el = document.createElement('script');
    el.type = 'application/ld+json';
    el.id = id;
    el.textContent = JSON.stringify(data).replace(/</g, '\\u003c');
    document.head.appendChild(el);
  }

  /** The list of reviews with "Show more", repainted as pages arrive. */
  function listView(): HTMLElement {
    const wrap = h('div');
    const paint = () => {
      const ul = h('ul');
      list.forEach((r) => ul.append(card(r)));
      const more = h('button', { type: 'button', class: 'btn', hidden: !next }, t.more);
      more.addEventListener('click', () => {
        const n = list.length;
        load(true).then(() => {
          const first = wrap.querySelectorAll('li')[n] as HTMLElement | undefined;
          if (first) {
            first.tabIndex = -1;
            first.focus();
          }
        });
      });
      wrap.replaceChildren(summary(), filtered(), ul, more);
    };
    repaint.push(paint);
    if (loaded) paint();
    return wrap;
  }

  function filtered(): HTMLElement | string {
    return s.min_rating_shown > 1 && count ? h('p', { class: 'note' }, fill(t.filtered, { n: s.min_rating_shown })) : '';
  }

  // ---- the panel: the list and the form, a dialog over the page ----
  const root = box('');
  ctx.root.appendChild(root);
  adoptStyle(ctx.shadow, ctx.root, css);
  const heading = h('h2', { id: uid + '-t', tabindex: -1 }, title);
  const closeBtn = h('button', { type: 'button', class: 'x', 'aria-label': t.close }, '×');
  const body = h('div');
  const panel = h('div', { class: 'panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': uid + '-t' }, closeBtn, heading, body);
  const shade = h('div', { class: 'shade', hidden: true }, panel);
  root.append(shade);
  let returnTo: HTMLElement | null = null;

  function openPanel(withForm: boolean, token?: string, note?: string, used?: boolean) {
    body.replaceChildren();
    if (shows) body.append(listView());
    if (collects) {
      const holder = h('div');
      if (note) holder.append(h('p', { class: used ? 'ok' : 'note', role: 'status' }, note));
      const write = h('button', { type: 'button', class: 'btn primary' }, t.write);
      write.addEventListener('click', () => {
        holder.replaceChildren(form(token));
        (holder.querySelector('input') as HTMLElement).focus();
      });
      if (withForm || !shows) holder.append(form(token));
      else holder.append(h('div', { class: 'row' }, write));
      // Opened to write (a request link, "Write a review") or with a word
      // about the link: that comes first, the reviews below it.
      if (withForm || note) body.prepend(holder);
      else body.append(holder);
    }
    if (shade.hidden) returnTo = deepActive();
    shade.hidden = false;
    heading.focus();
    ctx.emit('reviews:shown', { id: wid });
  }
  function closePanel() {
    if (shade.hidden) return;
    shade.hidden = true;
    if (returnTo && returnTo.isConnected) returnTo.focus();
    returnTo = null;
  }
  closeBtn.addEventListener('click', closePanel);
  shade.addEventListener('click', (e) => {
    if (e.target === shade) closePanel();
  });
  document.addEventListener('keydown', (e) => {
    if (!shade.hidden && (e.key === 'Escape' || e.key === 'Esc')) closePanel();
  });
  panel.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const all = focusables(panel);
    const i = all.indexOf(ctx.shadow.activeElement as HTMLElement);
    if (e.shiftKey && i <= 0) {
      e.preventDefault();
      all[all.length - 1].focus();
    } else if (!e.shiftKey && i === all.length - 1) {
      e.preventDefault();
      all[0].focus();
    }
  });

  // ---- the form ----
  function form(token?: string): HTMLElement {
    const f = h('form', { novalidate: true });
    let claims: { o?: string; n?: string } = {};
    if (token) {
      try {
        // The claims are UTF-8 JSON in base64url: atob gives bytes, TextDecoder the text.
        const bin = atob(token.split('.')[0].replace(/-/g, '+').replace(/_/g, '/'));
        claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
      } catch (e) {
        claims = {};
      }
    }
    if (s.only_with_request && !token) return h('p', { class: 'note' }, t.request_only);
    if (claims.o) f.append(h('p', { class: 'note' }, fill(t.buyer, { order: claims.o })));
    // Rating: five radio buttons drawn as stars.
    const rate = h('div', { class: 'rate' });
    const fs = h('fieldset', { 'aria-describedby': uid + '-re' }, h('legend', null, t.rating), rate, h('p', { class: 'err', id: uid + '-re', hidden: true }));
    let rating = 0;
    const labels: HTMLElement[] = [];
    const paint = (n: number) => labels.forEach((l, i) => l.classList.toggle('on', i < n));
    for (let n = 1; n <= 5; n++) {
      const input = h('input', { type: 'radio', name: uid + '-r', value: n, id: uid + '-r' + n, 'aria-label': plural(loc, t.star, n) });
      const label = h('label', { for: uid + '-r' + n, 'aria-hidden': 'true' }, '★');
      input.addEventListener('change', () => {
        rating = n;
        paint(n);
      });
      label.addEventListener('mouseenter', () => paint(n));
      label.addEventListener('mouseleave', () => paint(rating));
      labels.push(label);
      rate.append(input, label);
    }
    const text = h('textarea', { id: uid + '-x', maxlength: 2000, placeholder: t.text_hint, required: true });
    const name = h('input', { class: 't', id: uid + '-n', maxlength: 80, autocomplete: 'name', required: true });
    if (claims.n) name.value = claims.n;
    const hp = h('input', { name: 'website', tabindex: -1, autocomplete: 'off' });
    f.append(fs, h('label', { class: 'f', for: uid + '-x' }, t.text), text, h('label', { class: 'f', for: uid + '-n' }, t.name), name, h('div', { class: 'hp', 'aria-hidden': 'true' }, hp));
    // The photo is uploaded once chosen; the review sends its id.
    let photo = '';
    if (s.photos) {
      const file = h('input', { type: 'file', id: uid + '-p', accept: 'image/jpeg,image/png,image/webp' });
      const thumb = h('div', { class: 'thumb', hidden: true });
      const perr = h('p', { class: 'err', role: 'alert', hidden: true }, t.photo_bad);
      file.addEventListener('change', () => {
        photo = '';
        thumb.hidden = true;
        perr.hidden = true;
        const chosen = file.files && file.files[0];
        if (!chosen) return;
        if (chosen.size > MAX_PHOTO) {
          perr.textContent = t.photo_bad;
          perr.hidden = false;
          return;
        }
        ctx.api(path.replace(/reviews$/, 'uploads/photo'), { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: chosen })
          .then((r) => (r.ok ? r.json() : Promise.reject(r)))
          .then((j: { photo_id: string }) => {
            photo = j.photo_id;
            const rm = h('button', { type: 'button', class: 'btn' }, t.photo_remove);
            rm.addEventListener('click', () => {
              photo = '';
              file.value = '';
              thumb.hidden = true;
              file.focus();
            });
            thumb.replaceChildren(h('img', { src: URL.createObjectURL(chosen), alt: '' }), rm);
            thumb.hidden = false;
          })
          .catch((r: Response | undefined) => {
            // The file's fault (413, 415, 422), the limit's, or the connection's.
            const st = r && r.status;
            perr.textContent = st === 413 || st === 415 || st === 422 ? t.photo_bad : st === 429 ? t.limited : t.error;
            perr.hidden = false;
          });
      });
      f.append(h('div', { class: 'file' }, h('label', { class: 'f', for: uid + '-p' }, t.photo), file, thumb, perr));
    }
    const c = s.consent || { required: false };
    const consentText = pick(c.text, ctx.locale, ctx.site.locale);
    const textId = c.text_ids ? pick(c.text_ids, ctx.locale, ctx.site.locale) : '';
    const agree = h('input', { type: 'checkbox', id: uid + '-c' });
    if (c.required) {
      const lbl = h('label', { for: uid + '-c' }, consentText);
      const row = h('div', { class: 'consent' }, agree, lbl);
      if (c.url && /^https:\/\//.test(c.url)) lbl.append(' ', h('a', { href: c.url, target: '_blank', rel: 'noopener' }, '↗'));
      f.append(row);
    }
    const send = h('button', { type: 'submit', class: 'btn primary' }, t.send);
    const msg = h('p', { class: 'err', role: 'alert' });
    f.append(send, msg);
    const fault = (el: HTMLElement, m: string) => {
      el.setAttribute('aria-invalid', 'true');
      msg.textContent = m;
      el.focus();
    };
    let busy = false;
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      if (busy) return;
      msg.textContent = '';
      [text, name, agree].forEach((el) => el.removeAttribute('aria-invalid'));
      const first = rate.querySelector('input') as HTMLInputElement;
      if (!rating) return fault(first, t.need_rating);
      if (!text.value.trim()) return fault(text, t.need_text);
      if (!name.value.trim()) return fault(name, t.need_name);
      if (c.required && !agree.checked) return fault(agree, t.need_consent);
      busy = true;
      send.setAttribute('aria-disabled', 'true');
      send.textContent = t.sending;
      const data: Record<string, unknown> = {
        rating,
        text: text.value,
        name: name.value,
        visitor_id: ctx.visitorId,
        lang: loc,
        consent: agree.checked,
        consent_text_id: textId,
        website: hp.value,
      };
      if (photo) data.photo_id = photo;
      if (about) data.about = about;
      if (token) data.request_token = token;
      call(ctx, 'POST', path, data).then((r) => {
        busy = false;
        send.removeAttribute('aria-disabled');
        send.textContent = t.send;
        if (r.status === 201) {
          const ok = h('p', { class: 'ok', role: 'status', tabindex: -1 }, t.thanks);
          f.replaceWith(ok);
          ok.focus();
          ctx.emit('reviews:sent', { id: wid, review_id: r.body && r.body.review_id });
          return;
        }
        const err = (r.body && r.body.error) || {};
        const byField: Record<string, [HTMLElement, string]> = {
          rating: [first, t.need_rating],
          text: [text, t.need_text],
          name: [name, t.need_name],
          consent: [agree, t.need_consent],
          request_token: [send, t.token_bad],
        };
        if (r.status === 422 && byField[err.field]) return fault(byField[err.field][0], byField[err.field][1]);
        msg.textContent = r.status === 409 ? t.token_used : r.status === 429 ? t.limited : t.error;
      });
    });
    return f;
  }

  // ---- where it shows: inline in the page, or a floating badge ----
  const sel = (s.selector || '').trim();
  if (s.placement === 'inline' && sel) {
    const mount = (target: Element) => {
      const host = document.createElement('beckon-reviews');
      const sh = host.attachShadow({ mode: 'open' });
      adoptStyle(sh, sh, css);
      const inl = box(s.layout === 'badge' ? '' : 'inl');
      sh.appendChild(inl);
      target.appendChild(host);
      inline(inl);
    };
    const found = () => {
      try {
        return document.querySelector(sel);
      } catch (e) {
        return null;
      }
    };
    const el = found();
    if (el) mount(el);
    else {
      const obs = new MutationObserver(() => {
        const f = found();
        if (f) {
          obs.disconnect();
          mount(f);
        }
      });
      obs.observe(document.documentElement, { childList: true, subtree: true });
      setTimeout(() => obs.disconnect(), 10000);
    }
  } else if (!ctx.widget.hosted_by && shows) {
    const launch = h('button', { type: 'button', class: 'launch ' + (s.position || ''), 'aria-haspopup': 'dialog', 'aria-label': t.open });
    launch.append(h('span', { class: 'stars', 'aria-hidden': 'true' }, '★'), title);
    root.append(launch);
    launch.addEventListener('click', () => openPanel(false));
    repaint.push(() => {
      if (!count) return;
      launch.replaceChildren(h('b', null, avgText(avg)), h('span', { class: 'stars', 'aria-hidden': 'true' }, '★'), h('span', null, plural(loc, t.count, count)));
      launch.setAttribute('aria-label', title + ': ' + fill(t.average, { avg: avgText(avg) }) + ', ' + plural(loc, t.count, count));
    });
  } else if (!ctx.widget.hosted_by && collects) {
    const launch = h('button', { type: 'button', class: 'launch ' + (s.position || ''), 'aria-haspopup': 'dialog' }, h('span', { class: 'stars', 'aria-hidden': 'true' }, '★'), t.write);
    launch.addEventListener('click', () => openPanel(true));
    root.append(launch);
  }

  function inline(el: HTMLElement) {
    const write = h('button', { type: 'button', class: 'btn primary' }, t.write);
    write.addEventListener('click', () => openPanel(true));
    const writeRow = collects ? h('div', { class: 'row' }, write) : '';
    if (!shows) return el.append(h('h2', null, title), writeRow);
    if (s.layout === 'badge') {
      const badge = h('button', { type: 'button', class: 'badge', 'aria-haspopup': 'dialog' }, h('span', { class: 'stars', 'aria-hidden': 'true' }, '★'), title);
      badge.addEventListener('click', () => openPanel(false));
      el.append(badge);
      repaint.push(() => {
        if (!count) return;
        badge.replaceChildren(h('b', null, avgText(avg)), stars(avg, false), h('span', null, plural(loc, t.count, count)));
        badge.setAttribute('aria-label', title + ': ' + fill(t.average, { avg: avgText(avg) }) + ', ' + plural(loc, t.count, count));
      });
      return;
    }
    if (s.layout === 'carousel') {
      const car = h('div', { class: 'car', role: 'region', 'aria-roledescription': 'carousel', 'aria-label': title });
      let at = 0;
      const paint = () => {
        const slide = h('ul', { 'aria-live': 'polite' });
        if (list[at]) slide.append(card(list[at]));
        const prev = h('button', { type: 'button', 'aria-label': t.prev, disabled: at === 0 }, '‹');
        const nxt = h('button', { type: 'button', 'aria-label': t.next, disabled: at >= list.length - 1 && !next }, '›');
        prev.addEventListener('click', () => {
          at--;
          paint();
          (car.querySelector('button') as HTMLElement).focus();
        });
        nxt.addEventListener('click', () => {
          const go = () => {
            at = Math.min(at + 1, list.length - 1);
            paint();
            (car.querySelectorAll('button')[1] as HTMLElement).focus();
          };
          if (at >= list.length - 1 && next) load(true).then(go);
          else go();
        });
        const nav = list.length ? h('div', { class: 'nav' }, prev, h('span', { class: 'pos' }, at + 1 + ' / ' + count), nxt) : '';
        car.replaceChildren(summary(), filtered(), slide, nav);
      };
      repaint.push(paint);
      el.append(h('h2', null, title), car, writeRow);
      return;
    }
    el.append(h('h2', null, title), listView(), writeRow);
  }

  if (shows) load(false);
  // A request link: the form opens for that order, or says at once that
  // the link was used or is not valid (then the form goes without it).
  const token = new URLSearchParams(location.search).get(TOKEN);
  if (token && collects) {
    call(ctx, 'POST', '/widgets/' + encodeURIComponent(wid) + '/review-requests/check', { request_token: token }).then((r) => {
      const b = r.status === 200 && r.body ? r.body : {};
      if (b.valid) openPanel(true, token);
      else openPanel(!b.used, undefined, b.used ? t.token_used : t.token_bad, b.used);
    });
  }

  return { open: () => openPanel(!shows), close: closePanel };
};

/** The element that has the focus, looking into shadow roots. */
function deepActive(): HTMLElement | null {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a as HTMLElement | null;
}

window.beckon('define', 'reviews', factory);
