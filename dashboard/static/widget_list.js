// The widget list (templates/widgets.html): turn a widget on or off and
// delete it after a confirming step, through the admin API, which accepts
// the session and records the change in the site's audit list.
'use strict';
(() => {
  const list = document.getElementById('widget-list');
  if (!list) return;
  const csrf = document.querySelector('meta[name=csrf-token]').content;
  const status = document.getElementById('widgets-status');
  const api = '/api/v1/sites/' + encodeURIComponent(list.dataset.site) + '/widgets/';
  const call = async (method, id, body) => {
    const r = await fetch(api + encodeURIComponent(id), {
      method, credentials: 'same-origin', body: body && JSON.stringify(body),
      headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    });
    if (!r.ok) {
      let msg = list.dataset.failed;
      try {
        msg = (await r.json()).error.message || msg;
      } catch (e) {
        // no JSON body
      }
      throw new Error(msg);
    }
    return r;
  };
  list.addEventListener('click', async (ev) => {
    const b = ev.target.closest('button');
    const row = b && b.closest('[data-widget-id]');
    if (!row) return;
    const id = row.dataset.widgetId;
    const confirm = row.querySelector('.confirm');
    const del = row.querySelector('[data-delete]');
    try {
      if (b.hasAttribute('data-toggle')) {
        const on = b.dataset.enabled !== 'true';
        b.disabled = true;
        await call('PATCH', id, { enabled: on });
        b.dataset.enabled = String(on);
        b.textContent = on ? list.dataset.turnOff : list.dataset.turnOn;
        const state = row.querySelector('[data-state]');
        state.textContent = on ? list.dataset.on : list.dataset.off;
        state.classList.toggle('status-won', on);
        status.textContent = state.textContent;
      } else if (b.hasAttribute('data-delete')) {
        confirm.hidden = false;
        del.setAttribute('aria-expanded', 'true');
        confirm.querySelector('[data-delete-confirm]').focus();
      } else if (b.hasAttribute('data-delete-cancel')) {
        confirm.hidden = true;
        del.setAttribute('aria-expanded', 'false');
        del.focus();
      } else if (b.hasAttribute('data-delete-confirm')) {
        b.disabled = true;
        await call('DELETE', id);
        row.remove();
        status.textContent = list.dataset.deleted;
      }
    } catch (e) {
      status.textContent = e.message;
    } finally {
      b.disabled = false;
    }
  });
})();
