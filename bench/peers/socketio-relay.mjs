import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { announce, serveControl } from '../lib/server-control.mjs';

// A Socket.IO relay doing Conduit's routing the idiomatic Socket.IO way: each Conduit frame is
// the payload of one `f` event, operators join a room per site, visitor messages are emitted to
// that room. WebSocket transport only, no compression (as Conduit).
// Usage: node socketio-relay.mjs  (prints `BENCH {"port":N}`).

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: 32 * 1024,
});

/** @type {Map<string, import('socket.io').Socket>} session id → visitor socket */
const sessions = new Map();
let nextSession = 0;

io.on('connection', (socket) => {
  const operator = socket.handshake.query.role === 'operator';
  const site = String(socket.handshake.query.site ?? '');
  const room = `site:${site}`;
  const u = { session: '', seq: 0 };
  socket.on('f', (/** @type {any} */ f) => {
    if (operator) {
      if (f.t === 'msg') {
        const v = sessions.get(f.session);
        if (v)
          v.emit('f', {
            t: 'msg',
            seq: ++v.data.seq,
            id: f.id,
            from: 'operator',
            text: f.text,
            at: Date.now(),
          });
      } else if (f.t === 'auth') {
        socket.join(room);
        const me = { id: 'op', name: 'Bench' };
        socket.emit('f', {
          t: 'ready',
          operator: me,
          site: { id: site, name: site },
          operators: [me],
          visitors: [],
          canned: [],
        });
      }
      return;
    }
    if (f.t === 'msg') {
      const seq = ++u.seq;
      socket.emit('f', { t: 'ack', id: f.id, seq });
      io.to(room).emit('f', {
        t: 'msg',
        session: u.session,
        seq,
        id: f.id,
        from: 'visitor',
        text: f.text,
        at: Date.now(),
      });
    } else if (f.t === 'hello') {
      u.session = `s${(++nextSession).toString(36)}`;
      socket.data = u;
      sessions.set(u.session, socket);
      socket.emit('f', {
        t: 'welcome',
        session: u.session,
        token: u.session,
        resumed: false,
        truncated: false,
        operators: [],
        online: true,
        agent: null,
        widget: {},
      });
    }
  });
  socket.on('disconnect', () => {
    if (u.session) sessions.delete(u.session);
  });
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  announce({
    port: typeof address === 'object' && address ? address.port : 0,
    server: 'socket.io',
  });
});
serveControl(() => ({ sessions: sessions.size }));
