import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDispatcher, type Dispatcher, smtpTransport } from '@conduit-chat/mail';
import { createLogger, hashOperatorKey, type Relay, startRelay } from '@conduit-chat/relay';
import { type ParsedMail, simpleParser } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import { launchChromium } from '../../../test-support/chromium.js';

// The operator journey of issue 6 in Chromium against the real relay (which serves the built
// console at /console/), a real SMTP server for the transcript, the real widget on a demo page
// for the visitor, and a `ws` visitor socket for the script-like visitor (a name the widget's
// own form would not let through unchanged).

const ADA_KEY = 'ck_console_journey_ada_0123456789abcdef';
const BOB_KEY = 'ck_console_journey_bob_fedcba9876543210';
const SCRIPT_NAME = '<img src=x onerror="window.pwned=1">Eve';
const SCRIPT_TEXT =
  '<script>window.pwned=2</script><svg onload="window.pwned=3"> hi [x](javascript:alert(1))';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const WIDGET_JS = here('../../widget/dist/widget.js');

type Frame = Record<string, unknown> & { t: string };

/** A visitor socket with a queue of frames. */
class Visitor {
  readonly ws: NodeWebSocket;
  private readonly frames: Frame[] = [];
  private wake: (() => void) | null = null;
  constructor(url: string, origin: string) {
    this.ws = new NodeWebSocket(url, { origin, headers: { 'user-agent': FIREFOX } });
    this.ws.on('message', (d) => {
      this.frames.push(JSON.parse(String(d)) as Frame);
      this.wake?.();
    });
  }
  opened = () =>
    new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  send = (f: Frame) => this.ws.send(JSON.stringify(f));
  async next(t: string, match: (f: Frame) => boolean = () => true): Promise<Frame> {
    for (;;) {
      const i = this.frames.findIndex((f) => f.t === t && match(f));
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

describe('console in Chromium against the real relay', () => {
  let relay: Relay;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: ParsedMail[] = [];
  let chrome: Browser;
  const contexts: BrowserContext[] = [];
  const visitors: Visitor[] = [];
  let dispatcher: Dispatcher;
  let demoDir: string;

  beforeAll(async () => {
    await build({ configFile: here('../vite.config.ts'), logLevel: 'silent' });
    smtp = new SMTPServer({
      authOptional: true,
      logger: false,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => mails.push(mail))
          .finally(() => callback());
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    smtpPort = (smtp.server.address() as { port: number }).port;
    dispatcher = createDispatcher({
      transport: smtpTransport({ url: `smtp://127.0.0.1:${smtpPort}` }),
      from: 'Conduit <chat@shop.example>',
    });
    // Demo pages as a site owner writes them: the script tag, on-load with consent, and the
    // visitor's name passed through the command queue before the script loads.
    demoDir = mkdtempSync(join(tmpdir(), 'conduit-console-demo-'));
    const shopPage = (title: string, body: string) =>
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
      `<body><h1>${title}</h1>${body}<script>window.Conduit=function(){(Conduit.q=Conduit.q||[]).push(arguments)};` +
      `Conduit('identify',{name:'Eve Adams'});</script>` +
      '<script src="/widget.js" data-site="demo" data-connect="on-load" data-consent="granted" async></script></body></html>';
    writeFileSync(
      join(demoDir, 'index.html'),
      shopPage('Demo Shop – Home', '<a id="next" href="tea.html">Green tea</a>'),
    );
    writeFileSync(join(demoDir, 'tea.html'), shopPage('Green tea', '<p>Sencha from Shizuoka.</p>'));
    if (!existsSync(WIDGET_JS)) {
      execFileSync('npm', ['run', 'build', '-w', '@conduit-chat/widget'], { stdio: 'ignore' });
    }
    relay = await startRelay(
      {
        host: '127.0.0.1',
        port: 0,
        // Demo mode lets the relay's own address (not known before listening) be an origin of
        // site `demo`: the console and the visitor both come from it here.
        demo: true,
        session: { graceMs: 60_000 },
        sites: [
          {
            id: 'demo',
            name: 'Demo Shop',
            origins: ['https://shop.example'],
            operators: [
              { id: 'ada', name: 'Ada', key: hashOperatorKey(ADA_KEY) },
              { id: 'bob', name: 'Bob', key: hashOperatorKey(BOB_KEY) },
            ],
            transcripts: { to: ['owner@shop.example'] },
            connect: 'on-load',
            canned: [{ shortcut: 'gift', text: 'Our tea sampler makes a lovely gift.' }],
          },
        ],
      },
      {
        dispatcher,
        assets: { demoDir },
        logger: createLogger('silent'),
      },
    );
    chrome = await launchChromium();
  });

  afterAll(async () => {
    for (const v of visitors) v.ws.terminate();
    for (const c of contexts) await c.close();
    await chrome?.close();
    await relay?.close();
    await dispatcher?.close();
    if (demoDir) rmSync(demoDir, { recursive: true, force: true });
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  /** A console page in a fresh context, collecting CSP violations and dialogs. */
  async function consolePage(): Promise<Page & { problems: string[] }> {
    const context = await chrome.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = (await context.newPage()) as Page & { problems: string[] };
    page.problems = [];
    page.on('dialog', (d) => {
      page.problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => page.problems.push(`error: ${e.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`csp: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    page.on('console', (m) => {
      if (m.type() === 'error') page.problems.push(m.text());
    });
    return page;
  }

  /** A visitor socket that has said hello; resolves with its session id. */
  async function arrive(name: string, url: string, title: string) {
    const visitor = new Visitor(
      `${relay.url.replace('http', 'ws')}/v1/visitor?site=demo`,
      relay.url,
    );
    visitors.push(visitor);
    await visitor.opened();
    visitor.send({
      t: 'hello',
      v: 1,
      page: { url, title, referrer: 'https://search.example/?q=tea' },
      client: { lang: 'en-GB', tz: 'Europe/London', screen: { w: 1440, h: 900 } },
      info: { name, custom: { plan: 'gold' } },
    });
    const welcome = await visitor.next('welcome');
    return { visitor, session: String(welcome.session) };
  }

  /** A visitor's browser tab. */
  async function visitorPage(): Promise<Page> {
    const context = await chrome.newContext({ viewport: { width: 1100, height: 760 } });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, key: string) {
    const res = await page.goto(`${relay.url}/console/`);
    expect(res?.status()).toBe(200);
    await page.fill('input[name=site]', 'demo');
    await page.fill('input[name=key]', key);
    await page.click('button[type=submit]');
    await page.waitForSelector('.topbar');
  }

  it('B22: serves the console with CSP, no framing and no referrer', async () => {
    const res = await fetch(`${relay.url}/console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    );
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('refuses a wrong key without saying which part was wrong', async () => {
    const page = await consolePage();
    await page.goto(`${relay.url}/console/`);
    await page.fill('input[name=site]', 'demo');
    await page.fill('input[name=key]', 'ck_not_a_key_of_this_site_000000000');
    await page.click('button[type=submit]');
    expect(await page.textContent('[role=alert]', { timeout: 10_000 })).toBe(
      'Site or key not recognised.',
    );
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
    expect(page.url()).not.toContain('ck_');
    expect(page.problems.filter((p) => p.startsWith('csp') || p.startsWith('error'))).toEqual([]);
  });

  it('runs the operator journey: browse, invite, chat with typing, close, transcript, second operator', async () => {
    const ada = await consolePage();
    await signIn(ada, ADA_KEY);
    expect(await ada.evaluate(() => localStorage.length)).toBe(0);
    expect(await ada.evaluate(() => document.cookie)).toBe('');

    // A visitor browses the demo page, with the real widget (script tag, on-load, consent).
    const origin = relay.url;
    const eve = await visitorPage();
    await eve.goto(`${origin}/demo/`);
    const row = 'tr:has(bdi.name:text-is("Eve Adams"))';
    await ada.waitForSelector(`${row} >> text=Browsing`);
    expect(await ada.textContent(`${row} .page`)).toContain('Demo Shop – Home');
    const session = await ada.getAttribute(row, 'data-session');
    expect(session).toBeTruthy();

    // The visitor moves to another page: the same session follows them.
    await eve.click('#next');
    await eve.waitForURL(`${origin}/demo/tea.html`);
    await ada.waitForSelector(`tr[data-session="${session}"] .page >> text=Green tea`);
    expect(await ada.textContent(`${row} td.num`)).toBe('2');

    // The operator invites; the visitor opens the widget, sees the invitation and replies.
    await ada.click(`${row} button:has-text("Invite")`);
    await ada.fill('[role=dialog] textarea', 'Hi! Looking for a present?');
    await ada.click('[role=dialog] button:has-text("Send invitation")');
    if (!(await eve.isVisible('conduit-chat [part=panel]')))
      await eve.click('conduit-chat [part=launcher]');
    await eve.waitForSelector('conduit-chat [part=panel] >> text=Hi! Looking for a present?');
    const box = eve.locator('conduit-chat [part=panel] textarea');
    await box.pressSequentially('Yes please, I need a gift idea');
    await box.press('Enter');
    await ada.waitForSelector(`.queue li[data-session="${session}"]`);
    await ada.click('.queue button:has-text("Accept")');
    await ada.waitForSelector('.chat .msg.visitor >> text=Yes please, I need a gift idea');
    await ada.waitForSelector('.chat-head >> text=Chatting with you');
    expect(await ada.textContent('#chat-title')).toBe('Eve Adams');

    // Typing both ways: the visitor types, the operator sees it, then the message.
    await box.pressSequentially('Do you gift wrap?');
    await ada.waitForSelector('.typing >> text=Eve Adams is typing…');
    await box.press('Enter');
    await ada.waitForSelector('.chat .msg.visitor >> text=Do you gift wrap?');
    expect(await ada.textContent('.typing')).toBe('');

    // The operator answers with a canned response plus a few words; the visitor sees typing.
    await ada.fill('.composer textarea', '/gi');
    await ada.keyboard.press('Enter');
    expect(await ada.inputValue('.composer textarea')).toBe('Our tea sampler makes a lovely gift.');
    await ada.locator('.composer textarea').pressSequentially(' Shall I add one?');
    await eve.waitForSelector('conduit-chat [role=status] >> text=Ada is typing…');
    await ada.press('.composer textarea', 'Enter');
    await eve.waitForSelector(
      'conduit-chat [part=panel] >> text=Our tea sampler makes a lovely gift. Shall I add one?',
    );
    await ada.waitForSelector('.msg.mine .status >> text=Delivered');
    await box.fill('Yes, thank you! See https://shop.example/sampler');
    await box.press('Enter');
    await ada.waitForSelector('.msg.visitor >> text=Yes, thank you!');
    const link = ada.locator('.msg.visitor a');
    expect(await link.getAttribute('href')).toBe('https://shop.example/sampler');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');

    // A second operator sees the chat taken by Ada.
    const bob = await consolePage();
    await signIn(bob, BOB_KEY);
    await bob.waitForSelector(`${row} >> text=Chatting with`);
    expect(await bob.textContent(`${row} td:nth-child(2)`)).toBe('Chatting with Ada');
    expect(await bob.textContent('.others')).toContain('with Ada');
    expect(await ada.textContent('.topbar .operators')).toContain('Bob');

    // The committed screenshot is rewritten only on request (its clock times change every run).
    const shot = here('../screenshots/console-chat.png');
    if (process.env.UPDATE_SCREENSHOTS || !existsSync(shot)) {
      mkdirSync(here('../screenshots'), { recursive: true });
      await ada.screenshot({ path: shot });
    }

    // Close the chat: the visitor is told, both consoles drop the visitor, a transcript is sent.
    await ada.click('.chat-head button:has-text("Close chat")');
    await ada.click('button:has-text("Yes, close chat")');
    await eve.waitForSelector('conduit-chat [part=panel] >> text=Chat ended.');
    await ada.waitForSelector('.ended >> text=closed by an operator');
    await bob.waitForSelector(`tr[data-session="${session}"]`, { state: 'detached' });
    for (let i = 0; i < 200 && mails.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('owner@shop.example');
    expect(mail.text).toContain('Yes please, I need a gift idea');
    expect(mail.text).toContain('Our tea sampler makes a lovely gift. Shall I add one?');

    // B4/B19: a visitor with a script-like name and message; Bob takes the chat.
    const evil = await arrive(SCRIPT_NAME, `${origin}/demo/`, '<b>Shop</b>');
    evil.visitor.send({ t: 'msg', id: 'v-evil-1', text: SCRIPT_TEXT });
    await bob.waitForSelector(`.queue li[data-session="${evil.session}"]`);
    expect(await bob.textContent('.queue .name')).toBe(SCRIPT_NAME);
    await bob.click('.queue button:has-text("Accept")');
    await bob.waitForSelector('.chat .msg.visitor');
    expect(await bob.textContent('.chat .msg.visitor .text')).toBe(SCRIPT_TEXT);
    expect(await bob.textContent('#chat-title')).toBe(SCRIPT_NAME);
    expect(await bob.textContent('.facts bdi')).toBe('<b>Shop</b>');
    await ada.click('.sidebar button.nav');
    await ada.waitForSelector(`tr[data-session="${evil.session}"] >> text=Chatting with Bob`);
    for (const page of [ada, bob]) {
      expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
      expect(await page.locator('.shell img, .shell script').count()).toBe(0);
      expect(page.problems).toEqual([]);
    }
  });

  it('F4/F1: catches up after the console was offline and sends what was typed meanwhile', async () => {
    const page = await consolePage();
    // Lets the test cut the console's socket and keep it offline (a same-origin URL the relay
    // refuses) until the browser says it is online again.
    await page.addInitScript(() => {
      const Native = window.WebSocket;
      const w = window as unknown as { __ws: { sockets: WebSocket[]; offline: boolean } };
      w.__ws = { sockets: [], offline: false };
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(
            w.__ws.offline ? String(url).replace(/site=[^&]*/, 'site=offline') : url,
            protocols,
          );
          w.__ws.sockets.push(this);
        }
      };
    });
    await signIn(page, ADA_KEY);
    const { visitor } = await arrive('Fay', `${relay.url}/demo/`, 'Demo Shop – Home');
    visitor.send({ t: 'msg', id: 'f0', text: 'message 0' });
    await page.click('.queue li:has-text("Fay") button:has-text("Accept")');
    await page.waitForSelector('.chat .msg.visitor >> text=message 0');

    await page.evaluate(() => {
      const w = window as unknown as { __ws: { sockets: WebSocket[]; offline: boolean } };
      w.__ws.offline = true;
      w.__ws.sockets.at(-1)?.close();
    });
    await page.waitForSelector('.banner.warn >> text=Reconnecting');
    for (let i = 1; i <= 5; i++) visitor.send({ t: 'msg', id: `f${i}`, text: `message ${i}` });
    for (let i = 1; i <= 5; i++) await visitor.next('ack');
    await page.fill('.composer textarea', 'Back in a second');
    await page.press('.composer textarea', 'Enter');
    await page.waitForSelector('.msg.mine .status >> text=Sending…');

    await page.evaluate(() => {
      const w = window as unknown as { __ws: { offline: boolean } };
      w.__ws.offline = false;
      window.dispatchEvent(new Event('online'));
    });
    await page.waitForSelector('.banner.warn', { state: 'detached' });
    await page.waitForSelector('.msg.visitor >> text=message 5');
    expect(await page.locator('.msg.visitor .text').allTextContents()).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => `message ${i}`),
    );
    const reply = await visitor.next('msg', (f) => f.from === 'operator');
    expect(reply.text).toBe('Back in a second');
    await page.waitForSelector('.msg.mine .status >> text=Delivered');
    expect(await page.locator('.msg.mine').count()).toBe(1);
  });

  it('has no axe-core violations on the sign-in page, the visitors table and a chat', async () => {
    // axe is injected as a script, which the console's CSP rightly refuses: this one context
    // bypasses CSP (the journey above checks CSP with it in force).
    const context = await chrome.newContext({
      bypassCSP: true,
      viewport: { width: 1280, height: 800 },
    });
    contexts.push(context);
    const page = await context.newPage();
    const audit = async () => {
      await page.addScriptTag({ path: here('../../../node_modules/axe-core/axe.min.js') });
      return page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run: (c: Document) => Promise<{ violations: { id: string; nodes: unknown[] }[] }>;
            };
          }
        ).axe;
        const r = await axe.run(document);
        return r.violations.map((v) => `${v.id} (${v.nodes.length})`);
      });
    };
    await page.goto(`${relay.url}/console/`);
    expect(await audit()).toEqual([]);
    const { visitor } = await arrive('Gus', `${relay.url}/demo/`, 'Demo Shop – Home');
    await page.fill('input[name=site]', 'demo');
    await page.fill('input[name=key]', ADA_KEY);
    await page.click('button[type=submit]');
    await page.waitForSelector('tr:has-text("Gus")');
    expect(await audit()).toEqual([]);
    visitor.send({ t: 'msg', id: 'g1', text: 'Hello, is anyone there?' });
    await page.click('.queue button:has-text("Accept")');
    await page.waitForSelector('.chat .msg.visitor');
    expect(await audit()).toEqual([]);
  });
});
