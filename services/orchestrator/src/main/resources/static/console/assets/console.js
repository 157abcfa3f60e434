// The console's only script: copy buttons (every page works without it) and htmx's CSRF header.
document.addEventListener('click', function (event) {
  var button = event.target.closest('[data-copy]');
  if (!button) { return; }
  var source = document.getElementById(button.getAttribute('data-copy'));
  if (!source || !navigator.clipboard) { return; }
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    button.textContent = 'Copied';
  });
});
document.addEventListener('htmx:configRequest', function (event) {
  var field = document.querySelector('input[name="_csrf"]');
  if (field) { event.detail.headers['X-CSRF-TOKEN'] = field.value; }
});
