import type { Chat, ChatOptions } from './chat.js';
import { createChat } from './create-chat.js';
import { nodeSocket, type PeerSocket, type ScriptedPeer, startPeer, welcome } from './test-peer.js';

/** A chat mounted in happy-dom, talking to a scripted `ws` peer on 127.0.0.1. */
export interface TestChat {
  chat: Chat;
  peer: ScriptedPeer;
  host(): HTMLElement | null;
  root(): ShadowRoot;
  $(selector: string): HTMLElement | null;
  $$(selector: string): HTMLElement[];
  text(selector: string): string;
  /** Clicks the first button whose text or aria-label contains `label`. */
  click(label: string): Promise<void>;
  /** Opens the panel, accepts the socket, answers hello with `welcome(over)`, swallows the ping. */
  connect(over?: Record<string, unknown>): Promise<PeerSocket>;
  /** Types into the composer and presses Enter. */
  type(text: string, key?: { shiftKey?: boolean }): Promise<void>;
  /** Waits until `check()` is true (re-checked on every macrotask). */
  until(check: () => boolean): Promise<void>;
  stop(): Promise<void>;
}

/** Lets Preact flush state updates and sockets deliver. */
export const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Starts a peer and creates a chat that connects to it. */
export async function testChat(over: Partial<ChatOptions> = {}): Promise<TestChat> {
  const peer = await startPeer();
  const chat = createChat({
    relay: peer.url.replace('/v1/visitor?site=acme', '').replace('ws:', 'http:'),
    site: 'acme',
    locale: 'en',
    socket: nodeSocket,
    backoff: { baseMs: 2, maxMs: 10 },
    ...over,
  });
  await tick();
  const t: TestChat = {
    chat,
    peer,
    host: () => document.querySelector('conduit-chat'),
    root: () => {
      const root = t.host()?.shadowRoot;
      if (!root) throw new Error('widget not mounted');
      return root;
    },
    $: (s) => t.root().querySelector<HTMLElement>(s),
    $$: (s) => Array.from(t.root().querySelectorAll<HTMLElement>(s)),
    text: (s) => t.$(s)?.textContent ?? '',
    async click(label) {
      const button = t
        .$$('button')
        .find(
          (b) =>
            (b.textContent ?? '').includes(label) ||
            (b.getAttribute('aria-label') ?? '').includes(label),
        );
      if (!button) throw new Error(`no button "${label}"`);
      button.click();
      await tick();
    },
    async connect(overWelcome = {}) {
      chat.open();
      const s = await peer.accept();
      await s.nextOf('hello');
      s.send(welcome(overWelcome));
      await s.nextOf('ping');
      await t.until(() => t.text('.h').includes('Acme'));
      return s;
    },
    async type(text, key = {}) {
      const box = t.$('textarea') as HTMLTextAreaElement;
      box.value = text;
      box.dispatchEvent(new Event('input', { bubbles: true }));
      box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, ...key }));
      await tick();
    },
    async until(check) {
      for (let i = 0; i < 3000 && !check(); i++) await tick();
      if (!check()) throw new Error('condition not reached');
    },
    async stop() {
      chat.destroy();
      await peer.stop();
    },
  };
  return t;
}
