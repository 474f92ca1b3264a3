// The demo page's own script: the page API's command-queue stub, exactly as a
// site owner pastes it, then a "call me" button and an event log that use it.
window.beckon = window.beckon || function () { (beckon.q = beckon.q || []).push(arguments); };
beckon('on', '*', function (name, detail) {
  var li = document.createElement('li');
  li.textContent = name + ' ' + JSON.stringify(detail || {});
  var list = document.getElementById('events');
  if (list) list.appendChild(li);
});
document.addEventListener('DOMContentLoaded', function () {
  var button = document.getElementById('call-me');
  if (button) button.addEventListener('click', function () { beckon('open', 'callback'); });
});
