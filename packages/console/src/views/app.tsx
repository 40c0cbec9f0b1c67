import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleController } from '../console-controller.js';
import { errorText, visitorName } from '../format.js';
import { ChatList } from './chat-list.js';
import { ChatView } from './chat-view.js';
import { InviteDialog } from './invite-dialog.js';
import { LoginView } from './login-view.js';
import { Name } from './name.js';
import { VisitorTable } from './visitor-table.js';

/** Props of `App`. */
export interface AppProps {
  controller: ConsoleController;
  /** How often the times on screen tick. */
  tickMs?: number;
  clock?: () => number;
}

/** The console shell: sign-in, or the side bar with the visitors table or a chat. */
export function App({ controller, tickMs = 1000, clock = Date.now }: AppProps) {
  const [, setVersion] = useState(0);
  const [now, setNow] = useState(clock);
  const [inviting, setInviting] = useState<string | null>(null);
  const [invited, setInvited] = useState<ReadonlySet<string>>(new Set());
  const drafts = useRef(new Map<string, string>());

  useEffect(() => controller.subscribe(() => setVersion((n) => n + 1)), [controller]);
  useEffect(() => {
    const timer = setInterval(() => setNow(clock()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs, clock]);
  useEffect(() => {
    const visibility = () => controller.setVisible(document.visibilityState !== 'hidden');
    const online = () => controller.online();
    visibility();
    document.addEventListener('visibilitychange', visibility);
    window.addEventListener('online', online);
    return () => {
      document.removeEventListener('visibilitychange', visibility);
      window.removeEventListener('online', online);
    };
  }, [controller]);

  const { store, login, prefs } = controller.getState();
  if (!store.me) {
    return (
      <LoginView
        site={login.site}
        error={login.error}
        busy={login.busy}
        onLogin={(site, key) => controller.login(site, key)}
      />
    );
  }

  const chat = store.active ? store.chats.get(store.active) : undefined;
  const invitee = inviting ? store.visitors.get(inviting) : undefined;
  const colleagues = store.operators.filter((o) => o.id !== store.me?.id);

  return (
    <div class="shell">
      <header class="topbar">
        <h1>
          Conduit <span class="sub">·</span> <Name>{store.site?.name ?? ''}</Name>
        </h1>
        <p class="sub operators">
          {colleagues.length === 0 ? (
            'No other operators online'
          ) : (
            <>
              Also signed in:{' '}
              {colleagues.map((o, i) => (
                <span key={o.id} class={o.away ? 'colleague away' : 'colleague'}>
                  {i > 0 && ', '}
                  <Name>{o.name}</Name> {o.away ? '(away)' : '(online)'}
                </span>
              ))}
            </>
          )}
        </p>
        <div class="tools">
          <button
            type="button"
            aria-pressed={prefs.sound}
            onClick={() => controller.setSound(!prefs.sound)}
          >
            {prefs.sound ? 'Sound on' : 'Sound off'}
          </button>
          {prefs.desktop === 'default' && (
            <button type="button" onClick={() => void controller.enableDesktop()}>
              Enable desktop notifications
            </button>
          )}
          {prefs.desktop === 'denied' && <span class="sub">Desktop notifications blocked</span>}
          <button
            type="button"
            class="away-toggle"
            aria-pressed={prefs.away}
            title="Away: no new chats; your open chats stay"
            onClick={() => controller.setAway(!prefs.away)}
          >
            Away
          </button>
          <span class="me">
            <Name>{store.me.name}</Name> {prefs.away ? '(away)' : '(online)'}
          </span>
          <button type="button" onClick={() => controller.logout()}>
            Log out
          </button>
        </div>
      </header>

      {store.connection === 'reconnecting' && (
        <p class="banner warn" role="status">
          Connection lost. Reconnecting… Messages you send now are sent once the connection is back.
        </p>
      )}
      {store.partial && store.connection === 'ready' && (
        <p class="banner warn" role="status">
          Partial view: this relay cannot reach the other relays right now. Visitors connected to
          them are missing here until it is back.
        </p>
      )}
      {store.error && (
        <div class="banner error" role="alert">
          <span>{errorText(store.error.code, store.error.message)}</span>
          <button type="button" onClick={() => controller.dismissError()}>
            Dismiss
          </button>
        </div>
      )}

      <div class="layout">
        <ChatList
          state={store}
          now={now}
          onShow={(s) => controller.show(s)}
          onAccept={(s) => controller.accept(s)}
          onOpen={(s) => controller.open(s)}
          onCloseTab={(s) => controller.closeTab(s)}
        />
        <main class="main">
          {chat ? (
            <ChatView
              key={chat.session}
              chat={chat}
              me={store.me}
              canned={store.canned}
              now={now}
              draft={drafts.current.get(chat.session) ?? ''}
              onDraft={(t) => drafts.current.set(chat.session, t)}
              onAccept={(takeover) => controller.accept(chat.session, takeover)}
              onSend={(t) => controller.send(chat.session, t)}
              onTyping={() => controller.typed(chat.session)}
              onClose={() => controller.closeChat(chat.session)}
            />
          ) : (
            <VisitorTable
              visitors={[...store.visitors.values()]}
              me={store.me}
              now={now}
              invited={invited}
              typing={
                new Set(
                  [...store.chats.values()].filter((c) => c.visitorTyping).map((c) => c.session),
                )
              }
              onInvite={setInviting}
              onAccept={(s) => controller.accept(s)}
              onOpen={(s) => controller.open(s)}
            />
          )}
        </main>
      </div>

      {inviting && (
        <InviteDialog
          name={visitorName(invitee, inviting)}
          onCancel={() => setInviting(null)}
          onSend={(text) => {
            controller.invite(inviting, text);
            setInvited(new Set(invited).add(inviting));
            setInviting(null);
          }}
        />
      )}
    </div>
  );
}
