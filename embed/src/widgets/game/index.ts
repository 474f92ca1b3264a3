// The game widget: a wheel of fortune or a scratch card that a visitor
// plays once per campaign for a contact. The server draws
// (POST /games/{wid}/draw); this bundle only shows the answer it is given:
// the wheel's final angle is worked out after the answer arrives, so it
// lands on the server's sector, and a card's hidden text is the server's
// prize. A second attempt shows the first result ("you already played"),
// from this browser's memory or from the server, which answers the same
// player with the same draw. The "chances" link shows the odds as they
// stand (GET /games/{wid}/chances).

import type { WidgetFactory } from '../../types';
import { palette } from '../_shared/color';
import { adoptStyle, focusables, h, icon } from '../_shared/dom';
import { fill, lang, pick } from '../_shared/i18n';
import { call } from '../quiz/api';
import { formView } from '../quiz/form';
import type { Form } from '../quiz/model';
import type { Texts as FormTexts } from '../quiz/texts';
import { triggerable } from '../../triggers/client';
import type { Reporter } from '../../triggers/client';
import { css } from './style';
import { texts } from './texts';

type L = Record<string, string>;

interface Game {
  kind: string;
  campaign: string;
  prizes: { id: string; title: L }[];
  no_prize: boolean;
  contact: string;
  consent: Form['consent'];
  title?: L;
  text?: L;
  button?: L;
  color: string;
  sector_colors: string[];
  launcher?: string;
  triggers?: unknown;
}

/** The server's draw. */
interface Answer {
  draw_id: string;
  prize: { id: string; title: string } | null;
  code: string | null;
  code_pending?: boolean;
  already: boolean;
}

interface Chances {
  prizes: { id: string; title: string; percent: number; stock: string; left?: number }[];
  no_prize_percent: number;
}

const CLOSE = 'M18.3 5.71a1 1 0 0 0-1.41 0L12 10.59 7.11 5.7A1 1 0 0 0 5.7 7.11L10.59 12 5.7 16.89a1 1 0 1 0 1.41 1.41L12 13.41l4.89 4.89a1 1 0 0 0 1.41-1.41L13.41 12l4.89-4.89a1 1 0 0 0 0-1.4z';
const GIFT = 'M20 7h-2.18A3 3 0 0 0 12 3.76 3 3 0 0 0 6.18 7H4a1 1 0 0 0-1 1v3a1 1 0 0 0 1 1h1v8a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-8h1a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1zm-5-2a1 1 0 1 1 0 2h-2V6a1 1 0 0 1 2-1zM9 5a1 1 0 0 1 1 1v1H8a1 1 0 0 1 0-2zm2 15H7v-8h4zm0-10H5V9h6zm6 10h-4v-8h4zm2-10h-6V9h6z';
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const k in attrs) el.setAttribute(k, String(attrs[k]));
  return el;
}

const factory: WidgetFactory<Game> = (ctx) => {
  const s = ctx.widget.settings;
  const wid = ctx.widget.id;
  const t = texts[lang(ctx.locale)];
  const say = (m: L | undefined) => pick(m, ctx.locale, ctx.site.locale);
  const uid = 'bkgm-' + wid.replace(/[^\w-]/g, '');
  const wheel = s.kind !== 'scratch';
  const memory = 'bkgm:' + wid + ':' + s.campaign;
  adoptStyle(ctx.shadow, ctx.root, css);

  const wrap = h('div', { class: 'bkgm' });
  const pal = palette(s.color || '', '#e11d48');
  wrap.style.setProperty('--bk-strong', pal.strong);
  wrap.style.setProperty('--bk-on-strong', pal.onStrong);

  // --- the stage: the wheel's sectors or the card ---
  // Sectors: each prize, with a "no prize" after each when the game has
  // one (one at the end past six prizes). Sector sizes are for the eye;
  // the odds are the server's, shown by "chances".
  const sectors: { id: string | null; label: string }[] = [];
  for (const p of s.prizes || []) {
    sectors.push({ id: p.id, label: say(p.title) });
    if (s.no_prize && s.prizes.length <= 6) sectors.push({ id: null, label: t.noPrize });
  }
  if (s.no_prize && s.prizes.length > 6) sectors.push({ id: null, label: t.noPrize });
  if (sectors.length === 1) sectors.push(sectors[0]);
  const seg = 360 / sectors.length;
  const colors = s.sector_colors && s.sector_colors.length ? s.sector_colors : ['#fde68a', '#bfdbfe'];

  const disc = h('div', { class: 'disc', 'data-sectors': sectors.length });
  let cover: HTMLCanvasElement | null = null;
  const under = h('div', { class: 'under', 'aria-hidden': 'true' });
  let stage: HTMLElement;
  if (wheel) {
    const root = svg('svg', { viewBox: '0 0 200 200', 'aria-hidden': 'true', focusable: 'false' });
    const pt = (deg: number, r: number) => {
      const a = (deg * Math.PI) / 180;
      return (100 + r * Math.sin(a)).toFixed(2) + ' ' + (100 - r * Math.cos(a)).toFixed(2);
    };
    sectors.forEach((sec, i) => {
      const a0 = i * seg;
      const path = svg('path', {
        d: 'M100 100L' + pt(a0, 100) + 'A100 100 0 0 1 ' + pt(a0 + seg, 100) + 'Z',
        fill: sec.id ? colors[i % colors.length] : '#e5e7eb',
        stroke: '#fff',
        'stroke-width': 1,
        'data-prize': sec.id || '',
      });
      // Along the sector's middle, ending at the rim; turned over on the left half so that it never reads upside down.
      const mid = a0 + seg / 2;
      const left = mid > 180;
      const label = svg('text', { x: left ? 10 : 190, y: 103.5, 'text-anchor': left ? 'start' : 'end', transform: 'rotate(' + (left ? mid + 90 : mid - 90) + ' 100 100)' });
      label.textContent = sec.label.length > 11 ? sec.label.slice(0, 10) + '…' : sec.label;
      root.append(path, label);
    });
    disc.appendChild(root);
    stage = h('div', { class: 'wheel', role: 'img', 'aria-label': fill(t.wheelLabel, { n: sectors.length }) }, h('div', { class: 'ptr' }), disc, h('div', { class: 'hub' }));
  } else {
    // The layer exists once there is a result under it: before the draw the card shows a question mark.
    cover = h('canvas', { class: 'cover', 'aria-hidden': 'true', hidden: true });
    under.textContent = '?';
    stage = h('div', { class: 'card', role: 'img', 'aria-label': t.cardLabel }, under, cover);
  }

  // --- the dialog ---
  const heading = h('h2', { id: uid + '-t', tabindex: -1 }, say(s.title) || (wheel ? t.titleWheel : t.titleScratch));
  const intro = say(s.text);
  const closeBtn = h('button', { type: 'button', class: 'x', 'aria-label': t.close }, icon(CLOSE, ''));
  const fields = s.contact === 'phone' ? [{ name: 'phone', required: true }] : s.contact === 'phone_or_email' ? [{ name: 'phone' }, { name: 'email' }] : [{ name: 'email', required: true }];
  const fv = formView({ fields, consent: s.consent, button: undefined }, uid, { ...t, send: wheel ? t.spin : t.scratch } as unknown as FormTexts, ctx.locale, ctx.site.locale, ctx.site.region);
  // The newsletter tick of a game played for a subscription.
  const sub = h('input', { type: 'checkbox', id: uid + '-s', 'aria-describedby': uid + '-se' });
  const subErr = h('p', { class: 'err', id: uid + '-se', role: 'alert' });
  if (s.contact === 'subscribe') fv.submit.before(h('div', { class: 'field' }, h('label', { class: 'consent' }, sub, h('span', null, t.subscribe)), subErr));

  const hint = h('p', { class: 'hint', hidden: true }, t.scratchHint);
  const revealBtn = h('button', { type: 'button', class: 'primary', hidden: true }, t.reveal);
  const result = h('div', { class: 'result', hidden: true });
  const live = h('p', { class: 'sr', role: 'status', 'aria-live': 'polite' });
  const oddsBtn = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'aria-controls': uid + '-odds' }, t.chances);
  const odds = h('div', { id: uid + '-odds', hidden: true });
  const box = h(
    'div',
    { class: 'box', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': uid + '-t', id: uid },
    closeBtn,
    heading,
    intro ? h('p', { class: 'text' }, intro) : null,
    h('div', { class: wheel ? 'stage' : 'stage wide' }, stage),
    hint,
    revealBtn,
    result,
    fv.el,
    oddsBtn,
    odds,
    live,
  );
  const frame = h('div', { class: 'shade', hidden: true }, box);
  const place = s.launcher === 'bottom-right' || s.launcher === 'right' ? ' ' + s.launcher : '';
  const fab = h('button', { type: 'button', class: 'fab' + place, 'aria-haspopup': 'dialog', 'aria-controls': uid }, icon(GIFT, ''), say(s.button) || t.launcher);
  // A multi-button shows this widget's launcher (hosted_by): no button of its own; nor does "none".
  fab.hidden = !!ctx.widget.hosted_by || s.launcher === 'none';
  wrap.append(fab, frame);
  ctx.root.appendChild(wrap);

  let isOpen = false;
  let returnTo: HTMLElement | null = null;
  let engine: Reporter | null = null;
  let busy = false;
  let played: Answer | null = null;
  try {
    played = JSON.parse(localStorage.getItem(memory) || 'null');
  } catch (e) {
    // no storage: the server remembers the player
  }

  // --- showing a draw ---
  /** The sector the wheel stops at: the prize's own, or a "no prize" one. */
  function sectorOf(a: Answer): number {
    const id = a.prize ? a.prize.id : null;
    const i = sectors.findIndex((x) => x.id === id);
    return i >= 0 ? i : 0;
  }

  /** Turns the wheel so that the pointer (at the top) is inside the answer's sector; animated unless the visitor asked for less motion. */
  function spin(a: Answer, animate: boolean, done: () => void) {
    const i = sectorOf(a);
    // The pointer lands within the middle 60 % of the sector: not always dead centre, never on a border.
    const within = (Math.random() - 0.5) * seg * 0.6;
    const angle = 360 * 6 - (i + 0.5) * seg - within;
    disc.dataset.landed = String(i);
    const still = !animate || matchMedia('(prefers-reduced-motion: reduce)').matches;
    disc.classList.toggle('turn', !still);
    if (still) {
      disc.style.transform = 'rotate(' + angle + 'deg)';
      return done();
    }
    let finished = false;
    const end = () => {
      if (finished) return;
      finished = true;
      done();
    };
    disc.addEventListener('transitionend', end, { once: true });
    // A tab in the background may never run the transition: the result is shown anyway.
    setTimeout(end, 5000);
    requestAnimationFrame(() => {
      disc.style.transform = 'rotate(' + angle + 'deg)';
    });
  }

  /** The scratch layer over the card; scratched away by a pointer, or all at once by the button. */
  function scratchCard(a: Answer, done: () => void) {
    under.textContent = a.prize ? a.prize.title : t.noPrize;
    const c = cover!;
    c.hidden = false;
    const r = c.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.max(1, Math.round(r.width * dpr));
    c.height = Math.max(1, Math.round(r.height * dpr));
    // Read back every few strokes (how much is scratched): the browser keeps it in memory for that.
    const g = c.getContext('2d', { willReadFrequently: true });
    let revealed = false;
    const reveal = () => {
      if (revealed) return;
      revealed = true;
      c.hidden = true;
      hint.hidden = revealBtn.hidden = true;
      done();
    };
    if (!g) return reveal();
    g.fillStyle = '#9ca3af';
    g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = '#fff';
    g.font = 'bold ' + Math.round(18 * dpr) + 'px system-ui,sans-serif';
    g.textAlign = 'center';
    g.fillText(t.scratch, c.width / 2, c.height / 2);
    g.globalCompositeOperation = 'destination-out';
    hint.hidden = revealBtn.hidden = false;
    revealBtn.onclick = reveal;
    let last: [number, number] | null = null;
    let moves = 0;
    g.lineCap = g.lineJoin = 'round';
    g.lineWidth = 40 * dpr;
    // A stroke from the last point, so a quick drag leaves no gaps.
    const erase = (e: PointerEvent) => {
      const b = c.getBoundingClientRect();
      const p: [number, number] = [(e.clientX - b.left) * dpr, (e.clientY - b.top) * dpr];
      g.beginPath();
      g.moveTo(...(last || p));
      g.lineTo(p[0] + 0.01, p[1]);
      g.stroke();
      last = p;
      if (++moves % 8) return;
      // Half scratched is scratched: the rest goes at once.
      const px = g.getImageData(0, 0, c.width, c.height).data;
      let clear = 0;
      let all = 0;
      for (let k = 3; k < px.length; k += 64) {
        all++;
        if (px[k] === 0) clear++;
      }
      if (clear / all > 0.5) reveal();
    };
    c.onpointerdown = (e) => {
      last = null;
      c.setPointerCapture(e.pointerId);
      erase(e);
    };
    c.onpointermove = (e) => last && erase(e);
    c.onpointerup = c.onpointercancel = () => {
      last = null;
    };
  }

  /** Shows the result of a: the prize and its code, or "not this time"; already: the player had played before. */
  function showResult(a: Answer, already: boolean) {
    result.textContent = '';
    const won = a.prize ? fill(t.won, { prize: a.prize.title }) : t.lost;
    if (already) result.append(h('p', { class: 'already' }, t.already));
    const res = h('p', { class: a.prize ? 'res win' : 'res', tabindex: -1 }, won);
    result.append(res);
    if (a.code) {
      const code = a.code;
      const value = h('span', { class: 'cval' }, code);
      const copy = h('button', { type: 'button', class: 'primary' }, t.copy);
      copy.addEventListener('click', () => {
        copyText(code, value).then((ok) => {
          if (ok) copy.textContent = live.textContent = t.copied;
        });
      });
      result.append(h('div', { class: 'code' }, h('p', { class: 'clabel' }, t.codeLabel), value, copy));
    } else if (a.prize && a.code_pending) {
      result.append(h('p', { class: 'note' }, t.codePending));
    }
    result.hidden = false;
    live.textContent = won + (a.code ? '. ' + t.codeLabel + ': ' + a.code : '');
    if (isOpen) res.focus();
  }

  /** Puts a known draw on screen without playing again: the form goes, the stage shows the result at once. */
  function showPlayed(a: Answer) {
    fv.el.hidden = true;
    if (wheel) spin(a, false, () => {});
    else {
      under.textContent = a.prize ? a.prize.title : t.noPrize;
      cover!.hidden = true;
    }
    showResult(a, true);
  }

  function remember(a: Answer) {
    played = a;
    try {
      localStorage.setItem(memory, JSON.stringify({ ...a, already: true }));
    } catch (e) {
      // the server remembers the player too
    }
  }

  // --- playing ---
  fv.el.addEventListener('submit', (e) => {
    e.preventDefault();
    if (busy || played) return;
    fv.say('');
    subErr.textContent = '';
    let bad = fv.check();
    if (s.contact === 'subscribe' && !sub.checked) {
      subErr.textContent = t.errSubscribe;
      bad = bad || sub;
    }
    if (bad) return bad.focus();
    const d = fv.data();
    const body = {
      visitor_id: ctx.visitorId,
      contact: { phone: d.phone || '', email: d.email || '' },
      consent: !!d.consent,
      consent_text_id: d.consent_text_id || '',
      subscribe: sub.checked,
      lang: lang(ctx.locale),
      page_url: location.href,
    };
    busy = true;
    fv.submit.setAttribute('aria-disabled', 'true');
    fv.submit.textContent = t.playing;
    call(ctx, 'POST', '/games/' + encodeURIComponent(wid) + '/draw', body).then((r) => {
      busy = false;
      fv.submit.removeAttribute('aria-disabled');
      fv.submit.textContent = wheel ? t.spin : t.scratch;
      if (r.status === 200 && r.body && typeof r.body.draw_id === 'string') {
        const a = r.body as Answer;
        remember(a);
        ctx.emit('game:played', { id: wid, prize: a.prize ? a.prize.id : null, already: a.already });
        if (engine && !a.already) engine.converted();
        if (a.already) return showPlayed(a);
        fv.el.hidden = true;
        if (wheel) spin(a, true, () => showResult(a, false));
        else scratchCard(a, () => showResult(a, false));
        return;
      }
      const field = r.status === 422 && r.body && r.body.error ? String(r.body.error.field || '') : '';
      if (field === 'subscribe') {
        subErr.textContent = t.errSubscribe;
        return sub.focus();
      }
      const f = field ? fv.fault(field.replace(/^contact\./, '')) : null;
      if (f) return f.focus();
      fv.say(r.status === 429 ? t.errTooMany : t.errNetwork);
    });
  });

  // --- the odds ---
  oddsBtn.addEventListener('click', () => {
    const show = odds.hidden;
    odds.hidden = !show;
    oddsBtn.setAttribute('aria-expanded', String(show));
    if (!show) return;
    odds.textContent = '';
    call(ctx, 'GET', '/games/' + encodeURIComponent(wid) + '/chances?lang=' + lang(ctx.locale)).then((r) => {
      odds.textContent = '';
      const c = r.body as Chances | null;
      if (r.status !== 200 || !c || !Array.isArray(c.prizes)) {
        odds.append(h('p', { class: 'err', role: 'alert' }, t.chancesError));
        return;
      }
      const pct = (n: number) => (Math.round(n * 100) / 100).toLocaleString(ctx.locale) + ' %';
      const stock = (p: Chances['prizes'][0]) =>
        p.stock === 'out' ? t.out : typeof p.left === 'number' ? fill(t.left, { n: p.left }) : p.stock === 'limited' ? t.limited : t.unlimited;
      const rows = c.prizes.map((p) => h('tr', null, h('td', null, p.title), h('td', { class: 'n' }, pct(p.percent)), h('td', null, stock(p))));
      rows.push(h('tr', null, h('td', null, t.noPrize), h('td', { class: 'n' }, pct(c.no_prize_percent)), h('td', null, '')));
      odds.append(
        h(
          'table',
          null,
          h('caption', null, t.chancesTitle),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, t.chancesPrize), h('th', { scope: 'col' }, t.chancesOdds), h('th', { scope: 'col' }, t.chancesStock))),
          h('tbody', null, ...rows),
        ),
        h('p', { class: 'small' }, t.chancesNote),
      );
    });
  });

  // --- open and close ---
  function open(byEngine?: boolean) {
    if (isOpen) return;
    isOpen = true;
    returnTo = deepActive();
    frame.hidden = false;
    fab.setAttribute('aria-expanded', 'true');
    if (played && fv.el.hidden === false) showPlayed(played);
    heading.focus();
    ctx.emit('game:shown', { id: wid });
    if (engine && !byEngine) engine.opened();
  }

  function close() {
    if (!isOpen) return;
    isOpen = false;
    frame.hidden = true;
    fab.setAttribute('aria-expanded', 'false');
    ctx.emit('game:closed', { id: wid });
    if (engine) engine.closed();
    const to = returnTo;
    returnTo = null;
    if (to && to.isConnected && to !== document.body) to.focus();
  }

  fab.addEventListener('click', () => open());
  closeBtn.addEventListener('click', () => close());
  frame.addEventListener('click', (e) => {
    if (e.target === frame) close();
  });
  document.addEventListener('keydown', (e) => {
    if (isOpen && (e.key === 'Escape' || e.key === 'Esc')) {
      e.preventDefault();
      close();
    }
  });
  box.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    // Keep Tab inside the dialog while it is open.
    const list = focusables(box);
    const i = list.indexOf(ctx.shadow.activeElement as HTMLElement);
    if (e.shiftKey && i <= 0) {
      e.preventDefault();
      list[list.length - 1].focus();
    } else if (!e.shiftKey && i === list.length - 1) {
      e.preventDefault();
      list[0].focus();
    }
  });

  if (s.triggers) {
    engine = triggerable(ctx, () => {
      if (isOpen) return false;
      open(true);
      return true;
    });
  } else {
    window.beckon('on', 'show', (d: { id?: string } | undefined) => {
      if (d && d.id === wid) open();
    });
  }

  return { open: () => open(), close: () => close() };
};

/** The element that has the focus, looking into shadow roots. */
function deepActive(): HTMLElement | null {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a as HTMLElement | null;
}

/** Copies text to the clipboard; without the Clipboard API the code is selected and copied the old way. */
function copyText(text: string, el: HTMLElement): Promise<boolean> {
  const old = () => {
    const r = document.createRange();
    r.selectNodeContents(el);
    const sel = getSelection();
    if (!sel) return false;
    sel.removeAllRanges();
    sel.addRange(r);
    try {
      return document.execCommand('copy');
    } catch (e) {
      return false;
    }
  };
  if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text).then(() => true, old);
  return Promise.resolve(old());
}

window.beckon('define', 'game', factory);
