// How the load generator talks to each kind of server. Conduit and the bare uWS forwarder speak
// Conduit's protocol (JSON text frames, `t` first); the Socket.IO peer carries the same JSON
// objects as the payload of one event, `42["f",{...}]`, over Engine.IO v4 on a plain WebSocket.

/** Frame types the generator recognises, by the first bytes after `{"t":"`. */
export const TYPE = /** @type {const} */ ({
  other: 0,
  ack: 1,
  msg: 2,
  welcome: 3,
  ready: 4,
  error: 5,
});

/**
 * Classifies the frame whose `t` value starts at buf[at].
 * @param {Buffer} buf
 * @param {number} at
 * @param {number} end
 */
export function frameType(buf, at, end) {
  if (end - at < 4) return TYPE.other;
  const c = buf[at];
  if (c === 0x61 && buf[at + 1] === 0x63 && buf[at + 2] === 0x6b && buf[at + 3] === 0x22) {
    return TYPE.ack;
  }
  if (c === 0x6d && buf[at + 1] === 0x73 && buf[at + 2] === 0x67 && buf[at + 3] === 0x22) {
    return TYPE.msg;
  }
  if (c === 0x77 && buf[at + 1] === 0x65 && buf[at + 2] === 0x6c) return TYPE.welcome;
  if (c === 0x72 && buf[at + 1] === 0x65 && buf[at + 2] === 0x61) return TYPE.ready;
  if (c === 0x65 && buf[at + 1] === 0x72 && buf[at + 2] === 0x72) return TYPE.error;
  return TYPE.other;
}

/**
 * @typedef {object} Dialect
 * @property {string} name
 * @property {(role: 'visitor' | 'operator', site: string) => string} path upgrade path
 * @property {(json: string) => string} wrap a Conduit frame as this server's payload
 * @property {number} typeAt offset of the `t` value in an inbound payload
 * @property {number} jsonAt offset of the JSON text in an inbound payload
 * @property {boolean} handshake true when the server needs a connect exchange before frames
 */

/** @type {Dialect} */
export const conduitDialect = {
  name: 'conduit',
  path: (role, site) => `/v1/${role}?site=${site}`,
  wrap: (json) => json,
  typeAt: '{"t":"'.length,
  jsonAt: 0,
  handshake: false,
};

/** @type {Dialect} */
export const socketIoDialect = {
  name: 'socket.io',
  path: (role, site) => `/socket.io/?EIO=4&transport=websocket&role=${role}&site=${site}`,
  wrap: (json) => `42["f",${json}]`,
  typeAt: '42["f",{"t":"'.length,
  jsonAt: 2,
  handshake: true,
};

/** Engine.IO packet types the generator reacts to (first payload byte). */
export const EIO = /** @type {const} */ ({ open: 0x30, ping: 0x32, message: 0x34 });
