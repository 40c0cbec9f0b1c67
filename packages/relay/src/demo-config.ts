import type { RelayConfigInput } from './config.js';
import { generateOperatorKey, hashOperatorKey } from './operator-key.js';

// The embedded demo (the relay README, "Config" and "CLI"): what `conduit-relay` runs without --config.

/** Id of the demo site; the widget on /demo/ uses `data-site="demo"`. */
export const DEMO_SITE_ID = 'demo';

/** The demo configuration and the freshly generated operator key (printed once at start). */
export interface DemoConfig {
  config: RelayConfigInput;
  operatorKey: string;
}

/**
 * Builds the demo config: one site `demo` whose origins are the relay's own address (filled in
 * once the port is bound, because `demo: true`), one operator with a fresh key, mail to the log
 * transport, `connect: "on-load"` so the console shows visitors browsing.
 */
export function demoConfig(port = 8080): DemoConfig {
  const operatorKey = generateOperatorKey();
  return {
    operatorKey,
    config: {
      port,
      host: '127.0.0.1',
      demo: true,
      sites: [
        {
          id: DEMO_SITE_ID,
          name: 'Demo Shop',
          origins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
          operators: [{ id: 'demo', name: 'Demo Operator', key: hashOperatorKey(operatorKey) }],
          transcripts: { to: ['owner@demo.example'] },
          offline: { to: ['owner@demo.example'] },
          connect: 'on-load',
          anonymizeIp: true,
          preChat: 'optional',
          widget: {
            color: '#2563eb',
            position: 'right',
            greeting: 'Hi! How can we help you today?',
          },
          canned: [
            { shortcut: 'hello', text: 'Hello! Thanks for reaching out. How can I help?' },
            {
              shortcut: 'shipping',
              text: 'We ship within 2 business days; delivery takes 3–5 days.',
            },
            { shortcut: 'bye', text: 'Thanks for chatting with us. Have a great day!' },
          ],
        },
      ],
      mail: { transport: 'log' },
    },
  };
}
