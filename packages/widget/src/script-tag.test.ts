import { afterEach, describe, expect, it } from 'vitest';
import { visitorUrl } from './chat.js';
import { bootScriptTag, type CommandFunction, scriptOptions } from './script-tag.js';
import { tick } from './test-chat.js';
import { NodeWebSocket, type ScriptedPeer, startPeer, welcome } from './test-peer.js';

const tag = (src: string, data: Record<string, string>) => {
  const script = document.createElement('script');
  script.src = src;
  for (const [k, v] of Object.entries(data)) script.dataset[k] = v;
  return script;
};

describe('scriptOptions', () => {
  it('derives the relay from the script src and reads every data-* option', () => {
    const o = scriptOptions(
      tag('https://chat.example.com/widget.js', {
        site: 'acme',
        position: 'left',
        color: '#123456',
        locale: 'de',
        open: 'true',
        connect: 'on-load',
        consent: 'granted',
        sound: 'off',
        persist: 'false',
        prechat: 'optional',
      }),
    );
    expect(o).toEqual({
      relay: 'https://chat.example.com',
      site: 'acme',
      position: 'left',
      color: '#123456',
      locale: 'de',
      open: true,
      connect: 'on-load',
      consent: true,
      sound: false,
      persist: false,
      preChat: 'optional',
    });
    expect(
      scriptOptions(tag('https://cdn.example/w.js', { site: 'a', relay: 'https://r.example' }))
        .relay,
    ).toBe('https://r.example');
  });

  it('turns the relay URL into the visitor endpoint: ws for http, wss for https', () => {
    expect(visitorUrl('http://127.0.0.1:8080', 'acme')).toBe(
      'ws://127.0.0.1:8080/v1/visitor?site=acme',
    );
    expect(visitorUrl('https://chat.example.com/', 'a b')).toBe(
      'wss://chat.example.com/v1/visitor?site=a%20b',
    );
    expect(() => visitorUrl('ftp://x', 'a')).toThrow(
      expect.objectContaining({ code: 'bad_option' }),
    );
  });
});

describe('bootScriptTag', () => {
  let peer: ScriptedPeer;
  const win = window as unknown as Window & { Conduit?: CommandFunction };
  const original = globalThis.WebSocket;

  afterEach(async () => {
    win.Conduit?.chat?.destroy();
    delete win.Conduit;
    globalThis.WebSocket = original;
    await peer?.stop();
    sessionStorage.clear();
  });

  it('replays the commands queued before it loaded, in order, then runs new ones directly', async () => {
    peer = await startPeer();
    const seen: string[] = [];
    const stub: CommandFunction = (...args) => {
      stub.q = stub.q ?? [];
      stub.q.push(args);
    };
    win.Conduit = stub;
    win.Conduit('on', 'open', () => seen.push('open'));
    win.Conduit('identify', { name: 'Grace' });
    win.Conduit('open');
    const script = tag(
      peer.url.replace('ws:', 'http:').replace('/v1/visitor?site=acme', '/widget.js'),
      {
        site: 'acme',
      },
    );
    // The tests open sockets with `ws`; the browser build uses the global WebSocket.
    globalThis.WebSocket = NodeWebSocket as unknown as typeof WebSocket;
    const chat = bootScriptTag(script, win);
    expect(win.Conduit.chat).toBe(chat);
    await tick();
    const s = await peer.accept();
    await s.nextOf('hello');
    s.send(welcome());
    expect(await s.nextOf('info')).toEqual({ t: 'info', name: 'Grace' });
    expect(seen).toEqual(['open']);
    win.Conduit('close');
    win.Conduit('open');
    expect(seen).toEqual(['open', 'open']);
  });
});
