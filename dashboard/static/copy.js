// The snippet's copy button. Without this script the page still works:
// the snippet is in a readonly textarea to select and copy by hand. The
// button is laid out from the start (hidden from sight, not from layout),
// so showing it moves nothing.
for (const button of document.querySelectorAll('button.copy')) {
  const source = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.copy + '-status');
  source.addEventListener('focus', () => source.select());
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      status.textContent = button.dataset.copied;
    } catch {
      source.focus();
      source.select();
      status.textContent = button.dataset.failed;
    }
  });
  button.classList.add('ready');
}
