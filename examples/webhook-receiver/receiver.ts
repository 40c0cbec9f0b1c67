import { createServer, type Server } from 'node:http';
import { verifyWebhookSignature } from '@conduit-chat/mail';

// A receiver for Conduit's signed webhooks, as a site owner would write one in Node: read the
// raw body (bounded), verify the signature on those bytes, then parse, drop duplicates by event
// id, and answer at once. A 5xx would ask the relay to retry; a 4xx drops the event.

/** What every webhook body holds (`data` depends on `event`; see packages/mail README). */
export interface ConduitEvent {
  id: string;
  event: 'chat.started' | 'chat.ended' | 'offline.message';
  site: { id: string; name: string };
  data: Record<string, unknown>;
}

/** Largest body accepted: the relay's own bound (`maxWebhookBodyBytes`, 1 MiB) with room. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Event ids remembered for de-duplication (a resend after a lost reply is possible). */
const SEEN_IDS = 1000;

/** An HTTP server that calls `onEvent` once per verified event. */
export function createWebhookReceiver(
  secret: string,
  onEvent: (event: ConduitEvent) => void,
): Server {
  const seen = new Set<string>();
  return createServer((req, res) => {
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!verifyWebhookSignature(body, req.headers['conduit-signature'], secret)) {
        return void res.writeHead(401).end();
      }
      let event: ConduitEvent;
      try {
        event = JSON.parse(body.toString('utf8')) as ConduitEvent;
      } catch {
        return void res.writeHead(400).end();
      }
      if (!seen.has(event.id)) {
        seen.add(event.id);
        // A Set iterates in insertion order: the first entry is the oldest.
        if (seen.size > SEEN_IDS) seen.delete(seen.values().next().value as string);
        onEvent(event);
      }
      res.writeHead(204).end();
    });
  });
}
