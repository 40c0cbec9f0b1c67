import uWS from 'uWebSockets.js';
import { announce, serveControl } from '../lib/server-control.mjs';

// The ceiling: a bare uWebSockets.js forwarder speaking the same frames as Conduit, with
// nothing but JSON.parse and a Map lookup per message: no validation, no limits, no history.
// Visitor `msg` → `ack` to the visitor and `msg` to the site's operator; operator `msg` → the
// visitor. Usage: node uws-forwarder.mjs  (prints `BENCH {"port":N}`).

/** @typedef {{ operator: boolean, site: string, session: string, seq: number }} UserData */

/** @type {Map<string, uWS.WebSocket<UserData>>} session id → visitor socket */
const sessions = new Map();
/** @type {Map<string, uWS.WebSocket<UserData>>} site id → operator socket */
const operators = new Map();
let nextSession = 0;

const app = uWS.App().ws('/*', {
  compression: uWS.DISABLED,
  maxPayloadLength: 32 * 1024,
  idleTimeout: 120,
  upgrade: (res, req, context) => {
    /** @type {UserData} */
    const data = {
      operator: req.getUrl() === '/v1/operator',
      site: req.getQuery('site') ?? '',
      session: '',
      seq: 0,
    };
    res.upgrade(
      data,
      req.getHeader('sec-websocket-key'),
      req.getHeader('sec-websocket-protocol'),
      req.getHeader('sec-websocket-extensions'),
      context,
    );
  },
  message: (ws, message) => {
    const f = JSON.parse(Buffer.from(message).toString());
    const u = ws.getUserData();
    if (u.operator) {
      if (f.t === 'msg') {
        const v = sessions.get(f.session);
        if (v) {
          const seq = ++v.getUserData().seq;
          v.send(
            JSON.stringify({
              t: 'msg',
              seq,
              id: f.id,
              from: 'operator',
              text: f.text,
              at: Date.now(),
            }),
          );
        }
      } else if (f.t === 'auth') {
        operators.set(u.site, ws);
        const me = { id: 'op', name: 'Bench' };
        ws.send(
          JSON.stringify({
            t: 'ready',
            operator: me,
            site: { id: u.site, name: u.site },
            operators: [me],
            visitors: [],
            canned: [],
          }),
        );
      }
      return;
    }
    if (f.t === 'msg') {
      const seq = ++u.seq;
      ws.send(JSON.stringify({ t: 'ack', id: f.id, seq }));
      operators.get(u.site)?.send(
        JSON.stringify({
          t: 'msg',
          session: u.session,
          seq,
          id: f.id,
          from: 'visitor',
          text: f.text,
          at: Date.now(),
        }),
      );
    } else if (f.t === 'hello') {
      u.session = `s${(++nextSession).toString(36)}`;
      sessions.set(u.session, ws);
      ws.send(
        JSON.stringify({
          t: 'welcome',
          session: u.session,
          token: u.session,
          resumed: false,
          truncated: false,
          operators: [],
          online: operators.has(u.site),
          agent: null,
          widget: {},
        }),
      );
    }
  },
  close: (ws) => {
    const u = ws.getUserData();
    if (u.operator) {
      if (operators.get(u.site) === ws) operators.delete(u.site);
    } else if (u.session) sessions.delete(u.session);
  },
});

app.listen('127.0.0.1', 0, (token) => {
  if (!token) {
    process.stderr.write('uws-forwarder: listen failed\n');
    process.exit(1);
  }
  announce({ port: uWS.us_socket_local_port(token), server: 'bare-uws' });
});
serveControl(() => ({ sessions: sessions.size }));
