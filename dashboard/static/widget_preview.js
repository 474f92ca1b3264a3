// The editor's preview page: a widget that only opens by itself (a pop-up,
// a proactive message) is opened at once, so the owner sees the draft
// without waiting for its trigger. The call is queued as a site's own page
// would queue it before the loader arrives (embed/README.md).
'use strict';
(() => {
  const type = document.currentScript.dataset.open;
  window.beckon = window.beckon || function () {
    (window.beckon.q = window.beckon.q || []).push(arguments);
  };
  if (type) window.beckon('open', type);
})();
