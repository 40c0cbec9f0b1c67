// The shop's own script, as a site owner would write it (no inline script: the pages run under
// a strict Content-Security-Policy). It talks to the chat only through `window.Conduit`:
// calls made before /widget.js has loaded are queued and replayed in order once it loads.
window.Conduit =
  window.Conduit ||
  function queue() {
    queue.q = queue.q || [];
    // biome-ignore lint/complexity/noArguments: the queue keeps each call's arguments as given
    queue.q.push(arguments);
  };

// "Ask us" in the header opens the chat; a badge there counts unread replies while it is closed.
const ask = document.getElementById('ask');
const badge = document.getElementById('ask-count');
ask?.addEventListener('click', (event) => {
  event.preventDefault();
  window.Conduit('open');
});
window.Conduit('on', 'unread', ({ count }) => {
  if (!badge) return;
  badge.textContent = count > 0 ? String(count) : '';
  badge.hidden = count === 0;
});

// "Add to basket" only says so: checkout is not part of this demo, and it stores nothing.
for (const button of document.querySelectorAll('[data-add]')) {
  button.addEventListener('click', () => {
    button.textContent = 'Added (this demo has no checkout)';
  });
}

// The consent banner: visitor monitoring (data-connect="on-load") starts only after "Allow".
// The shop remembers the answer for this tab only, in its own sessionStorage entry.
const CONSENT_KEY = 'northwind:chat-consent';
const banner = document.getElementById('consent');
const answer = (() => {
  try {
    return sessionStorage.getItem(CONSENT_KEY);
  } catch {
    return null;
  }
})();
if (answer === 'yes') window.Conduit('consent', true);
else if (answer === null && banner) banner.hidden = false;
for (const button of document.querySelectorAll('[data-consent]')) {
  button.addEventListener('click', () => {
    const yes = button.getAttribute('data-consent') === 'yes';
    try {
      sessionStorage.setItem(CONSENT_KEY, yes ? 'yes' : 'no');
    } catch {
      // Storage off: the banner simply asks again on the next page.
    }
    window.Conduit('consent', yes);
    if (banner) banner.hidden = true;
  });
}
