import WebSocket from 'ws';

// An operator socket for the example tests (the console has its own Chromium journey): it
// signs in, collects frames, and waits for the one a test needs.

/** A frame as it crosses the wire. */
export type Frame = Record<string, unknown> & { t: string };

/** A signed-in operator connection. */
export interface TestOperator {
  /** Waits for the first not yet taken frame of type `t` that `match` accepts. */
  next(t: string, match?: (frame: Frame) => boolean): Promise<Frame>;
  send(frame: Frame): void;
  close(): void;
}

/** Connects to `relayUrl` as an operator of `site` with `key`, from `origin`; resolves on `ready`. */
export async function connectOperator(
  relayUrl: string,
  site: string,
  key: string,
  origin: string,
): Promise<TestOperator> {
  const ws = new WebSocket(`${relayUrl.replace('http', 'ws')}/v1/operator?site=${site}`, {
    origin,
  });
  const frames: Frame[] = [];
  let wake: (() => void) | null = null;
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Frame);
    wake?.();
  });
  ws.on('close', () => wake?.());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const self: TestOperator = {
    async next(t, match = () => true) {
      for (;;) {
        const i = frames.findIndex((f) => f.t === t && match(f));
        if (i >= 0) return frames.splice(i, 1)[0]!;
        if (ws.readyState !== WebSocket.OPEN) throw new Error(`socket closed waiting for ${t}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    send: (frame) => ws.send(JSON.stringify(frame)),
    close: () => ws.terminate(),
  };
  self.send({ t: 'auth', v: 1, key });
  await self.next('ready');
  return self;
}
