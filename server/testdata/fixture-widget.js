// A widget bundle for the browser test: it uses the loader's contract the way
// real bundles do (define, ctx.root, ctx.emit, open), nothing more.
beckon('define', 'countdown', function (ctx) {
  var el = document.createElement('p');
  el.className = 'fixture';
  el.textContent = 'fixture ' + ctx.widget.type + ' ' + ctx.locale + ' ' + ctx.visitorId.length;
  ctx.root.appendChild(el);
  ctx.emit('fixture:mounted', { id: ctx.widget.id });
  return {
    open: function () { el.setAttribute('data-open', 'yes'); }
  };
});
