// The notifications pages' island: a channel's card saves through the
// admin API (PUT /api/v1/sites/{id}/channels, so the API's checks, masking
// and audit apply), "Send a test" and "Replay" queue a message through the
// API and then wait for its attempt's result, told in words by the
// dashboard (…/notifications/outcome/{id}). Texts come from the page.
(() => {
  "use strict";
  const textsEl = document.getElementById("nt-texts");
  const root = document.getElementById("nt-channels") || document.getElementById("nt-log");
  if (!textsEl || !root) return;
  const T = JSON.parse(textsEl.textContent);
  const site = root.dataset.site;
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const apiBase = "/api/v1/sites/" + encodeURIComponent(site);

  // call sends a request with the session's CSRF token; it resolves to
  // {status, body} and never rejects (a network error is status 0).
  async function call(method, url, body) {
    const init = { method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    try {
      const r = await fetch(url, init);
      let json = null;
      try { json = await r.json(); } catch { /* an empty or HTML answer */ }
      return { status: r.status, body: json };
    } catch {
      return { status: 0, body: null };
    }
  }

  function trouble(res) {
    if (res.status === 0) return T.network;
    if (res.status === 401) return T.session;
    const e = res.body && res.body.error;
    return T.err_other + " " + (e && e.message ? e.message : "HTTP " + res.status);
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // waitOutcome polls until the message has an attempt after `after`,
  // for about half a minute; null when none came in that time.
  async function waitOutcome(id, after) {
    const url = root.dataset.outcome + encodeURIComponent(id) + "?after=" + after;
    for (let i = 0; i < 30; i++) {
      await sleep(i === 0 ? 300 : 1000);
      const res = await call("GET", url);
      if (res.status !== 200) return { error: trouble(res) };
      if (res.body.done) return res.body;
    }
    return null;
  }

  function say(el, text, bad) {
    el.textContent = text;
    el.classList.toggle("nt-bad", !!bad);
  }

  // ---- channel cards ----
  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach((p) => p.remove());
    form.querySelectorAll("[aria-invalid]").forEach((el) => {
      el.removeAttribute("aria-invalid");
      el.setAttribute("aria-describedby", (el.getAttribute("aria-describedby") || "").replace(/\s*nt-err-\S+/g, "").trim());
    });
  }

  // showError puts the API's 422 at the field it names ("telegram.chat_id",
  // "email.to[1]", "webhook.events[0]"); a field the card lacks gets the
  // message in the card's status line.
  function showError(form, kind, err, result) {
    const name = (err.field || "").split(".")[1] || "";
    const key = name.replace(/\[\d+\]$/, "");
    const msg = T["err_" + kind + "_" + key] || T["err_" + key] || T["err_" + kind] || (T.err_other + " " + err.message);
    const el = key && document.getElementById("nt-" + kind + "-" + key);
    if (!el) {
      say(result, T.not_saved + " " + msg, true);
      return;
    }
    const p = document.createElement("p");
    p.className = "field-error";
    p.id = "nt-err-" + kind + "-" + key;
    p.textContent = msg;
    el.after(p);
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", ((el.getAttribute("aria-describedby") || "") + " " + p.id).trim());
    say(result, T.not_saved, true);
    (el.matches("fieldset") ? el.querySelector("input") : el).focus();
  }

  // channelOf reads a card's form as the API's channel object; current is
  // the stored one (masked), whose fields the card does not show are kept.
  function channelOf(form, kind, current) {
    const f = form.elements;
    const events = [...form.querySelectorAll("input[name=events]:checked")].map((i) => i.value);
    const ch = Object.assign({}, current || {}, { events });
    const lang = f.lang ? f.lang.value : "";
    switch (kind) {
      case "webhook":
        ch.url = f.url.value.trim();
        if (f.secret.value) ch.secret = f.secret.value;
        break;
      case "telegram":
        ch.bot_token = f.bot_token.value.trim();
        ch.chat_id = f.chat_id.value.trim();
        break;
      case "email":
        ch.to = f.to.value.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean);
        break;
      case "bitrix24":
        ch.url = f.url.value.trim();
        break;
    }
    if (kind === "telegram" || kind === "email") {
      if (lang) ch.lang = lang; else delete ch.lang;
    }
    return ch;
  }

  function newSecret() {
    const b = new Uint8Array(32);
    crypto.getRandomValues(b);
    return "whsec_" + btoa(String.fromCharCode(...b));
  }

  function setOn(card, on) {
    const badge = card.querySelector(".nt-head .status");
    badge.textContent = on ? badge.dataset.yes : badge.dataset.no;
    badge.classList.toggle("nt-delivered", on);
    card.querySelector("[data-test]").disabled = !on;
  }

  async function save(form) {
    const kind = form.dataset.kind;
    const card = form.closest(".nt-channel");
    const result = form.querySelector(".nt-result");
    const button = form.querySelector("button[type=submit]");
    clearErrors(form);
    button.disabled = true;
    say(result, T.saving);
    try {
      const cur = await call("GET", apiBase + "/channels");
      if (cur.status !== 200) return say(result, trouble(cur), true);
      const all = cur.body || {};
      const on = form.elements.on.checked;
      if (on) all[kind] = channelOf(form, kind, all[kind]); else delete all[kind];
      const res = await call("PUT", apiBase + "/channels", all);
      if (res.status === 422 && res.body && res.body.error) return showError(form, kind, res.body.error, result);
      if (res.status !== 200) return say(result, trouble(res), true);
      if (form.elements.secret) form.elements.secret.value = "";
      const saved = res.body[kind];
      if (saved) refresh(form, kind, saved);
      setOn(card, !!saved);
      say(result, saved ? T.saved : T.removed);
    } finally {
      button.disabled = false;
    }
  }

  // refresh shows what the API stored: secrets masked, a new webhook
  // secret in full this once.
  function refresh(form, kind, saved) {
    const f = form.elements;
    if (kind === "telegram") f.bot_token.value = saved.bot_token;
    if (kind === "bitrix24" || kind === "webhook") f.url.value = saved.url;
    if (kind === "email") f.to.value = saved.to.join("\n");
    if (kind !== "webhook") return;
    // The stored secret, as the API masks it: its last four characters.
    const code = form.querySelector("[data-secret]");
    code.textContent = saved.secret.startsWith("whsec_") ? "****" + saved.secret.slice(-4) : saved.secret;
    code.hidden = false;
    form.querySelector("[data-rotate]").hidden = false;
    const fresh = form.querySelector("[data-secret-new]");
    if (fresh) fresh.remove();
    const once = form.querySelector(".nt-once");
    if (saved.secret.startsWith("whsec_")) {
      once.hidden = false;
      once.querySelector("input").value = saved.secret;
      once.querySelector("input").select();
    }
  }

  async function sendTest(button) {
    const form = button.closest("form");
    const result = form.querySelector(".nt-result");
    button.disabled = true;
    say(result, T.test_sending);
    try {
      const res = await call("POST", apiBase + "/channels/" + button.dataset.test + "/test");
      if (res.status === 404) return say(result, T.test_need_save, true);
      if (res.status !== 202) return say(result, trouble(res), true);
      const out = await waitOutcome(res.body.notification_id, 0);
      if (!out) return say(result, T.test_slow);
      if (out.error) return say(result, out.error, true);
      say(result, out.ok ? T.test_ok : out.text + (out.detail ? " (" + out.detail + ")" : ""), !out.ok);
    } finally {
      button.disabled = false;
    }
  }

  document.querySelectorAll("form.nt-form").forEach((form) => {
    form.addEventListener("submit", (e) => { e.preventDefault(); save(form); });
    const test = form.querySelector("[data-test]");
    test.addEventListener("click", () => sendTest(test));
    const rotate = form.querySelector("[data-rotate]");
    if (rotate) rotate.addEventListener("click", () => {
      if (!window.confirm(T.rotate_confirm)) return;
      form.elements.secret.value = newSecret();
      save(form);
    });
  });

  // ---- delivery log ----
  async function replay(button) {
    const row = button.closest(".nt-row");
    const result = row.querySelector(".nt-result");
    if (!window.confirm(T.replay_confirm)) return;
    button.disabled = true;
    say(result, T.replaying);
    try {
      const res = await call("POST", apiBase + "/deliveries/" + encodeURIComponent(row.dataset.id) + "/replay");
      if (res.status !== 202) return say(result, trouble(res), true);
      const out = await waitOutcome(row.dataset.id, Number(row.dataset.attempts));
      if (!out) return say(result, T.test_slow);
      if (out.error) return say(result, out.error, true);
      row.dataset.attempts = String(out.attempts);
      const badge = row.querySelector(".nt-row-head .status");
      badge.className = "status nt-" + out.state;
      badge.textContent = T["state_" + out.state] || out.state;
      say(result, out.text, !out.ok);
    } finally {
      button.disabled = false;
    }
  }

  document.querySelectorAll("[data-replay]").forEach((b) => b.addEventListener("click", () => replay(b)));
})();
