import { type ChatEvents, createChat } from '@conduit-chat/widget';
import { routeFor } from './routes.js';
import './style.css';

// A single-page app embedding Conduit through npm: `createChat()` draws the launcher, and the
// app listens to typed events to show the support status and an unread counter in its own
// header. Nothing connects until the visitor opens the chat (the widget's default).

const relay = import.meta.env.VITE_CONDUIT_RELAY ?? 'http://localhost:8080';
const site = import.meta.env.VITE_CONDUIT_SITE ?? 'example';

const chat = createChat({ relay, site, color: '#4338ca', locale: 'en' });

// The signed-in user of this app: the operator sees the name and plan, the transcript too.
chat.identify({ name: 'Alex Doe', email: 'alex@example.com', custom: { plan: 'team' } });

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const badge = $('unread');
const status = $('support-status');

// Each handler gets the payload type of its event: `{ count: number }` for `unread`, …
const onUnread = ({ count }: ChatEvents['unread']) => {
  badge.textContent = String(count);
  badge.hidden = count === 0;
};
chat.on('unread', onUnread);
chat.on('status', ({ online, operators }) => {
  status.textContent = online
    ? `Support online${operators.length ? `: ${operators.join(', ')}` : ''}`
    : 'Support offline: leave a message';
});
chat.on('message', (message) => {
  if (message.from === 'operator' && !message.replay)
    status.textContent = `New reply from ${message.name ?? 'Support'}`;
});
chat.on('ended', ({ reason }) => {
  status.textContent = `Chat ended (${reason})`;
});
chat.on('error', ({ code, message }) => console.warn(`conduit: ${code}: ${message}`));

$('support').addEventListener('click', () => chat.toggle());

// Route changes in a single-page app: tell the chat which page the visitor is on now.
function render() {
  const route = routeFor(location.hash);
  document.title = route.title;
  const view = $('view');
  view.replaceChildren();
  const h1 = document.createElement('h1');
  h1.textContent = route.title.split(' — ')[0]!;
  const p = document.createElement('p');
  p.textContent = route.body;
  view.append(h1, p);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('a[data-route]')) {
    if (link.hash === route.path) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  chat.setPage(location.href, document.title);
}
window.addEventListener('hashchange', render);
render();

// Vite's hot reload replaces this module: remove the old widget first (no second launcher).
import.meta.hot?.dispose(() => chat.destroy());
