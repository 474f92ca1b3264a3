// The site's sections scroll sideways on a phone: bring the current one
// into sight, so the reader sees where they are.
(() => {
  const current = document.querySelector('.sitenav [aria-current="page"]');
  const list = current && current.closest('ul');
  if (!list || list.scrollWidth <= list.clientWidth) return;
  list.scrollLeft = current.offsetLeft - (list.clientWidth - current.offsetWidth) / 2;
})();
