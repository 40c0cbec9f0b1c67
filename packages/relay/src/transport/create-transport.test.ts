import { describe, expect, it } from 'vitest';
import { createTransport } from './create-transport.js';
import { textReply } from './http-text.js';
import { loadUws } from './load-uws.js';
import type { TransportHandlers, TransportOptions } from './transport.js';

const handlers: TransportHandlers<null> = {
  http: () => textReply(200, 'ok'),
  upgrade: () => ({ accept: true, data: null }),
  open: () => {},
  message: () => {},
  drain: () => {},
  close: () => {},
};
const options: TransportOptions = {
  maxPayloadLength: 1024,
  idleTimeoutSec: 0,
  maxBackpressure: 1024,
  maxBodyBytes: 1024,
};

describe('createTransport', () => {
  it('loads the native uWS binary, not the JavaScript fallback', () => {
    const loaded = loadUws();
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(loaded.binary).toMatch(/uws_linux_x64_\d+\.node$/);
  });

  it('builds the uws transport by default and ws when asked', async () => {
    const uws = createTransport('uws', handlers, options);
    const ws = createTransport('ws', handlers, options);
    expect([uws.transport.name, uws.fallbackReason]).toEqual(['uws', undefined]);
    expect(ws.transport.name).toBe('ws');
    await uws.transport.close();
    await ws.transport.close();
  });

  it('F15: falls back to ws with the reason when the native module cannot load', async () => {
    const created = createTransport('uws', handlers, options, () => ({
      ok: false,
      reason: 'uws_linux_x64_115.node did not load: invalid ELF header',
    }));
    expect(created.transport.name).toBe('ws');
    expect(created.fallbackReason).toContain('did not load');
    const port = await created.transport.listen('127.0.0.1', 0);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    await created.transport.close();
  });
});
