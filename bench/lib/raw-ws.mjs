import { randomBytes } from 'node:crypto';
import net from 'node:net';

// A minimal WebSocket client on raw `net` sockets, in the style of uWebSockets' load_test.c:
// the handshake is written by hand, outbound frames are built and masked once and then patched
// in place, inbound frames are parsed only far enough to hand (buffer, start, end) to a handler.
// Nothing on the hot path allocates: every socket reads into one shared buffer (`onread`), and a
// frame is copied aside only when TCP splits it.

/** Shared read buffer: `onread` callbacks run synchronously, so every socket can use it. */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/** Largest inbound frame the client reassembles (bigger frames are a bench bug, not data). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Connection states (one transition each way; `closed` is final). */
export const STATE = /** @type {const} */ ({ connecting: 0, upgrading: 1, open: 2, closed: 3 });

/** Byte and frame counters shared by every connection of the process. */
export const counters = { rxBytes: 0, txBytes: 0, rxFrames: 0, copies: 0 };

const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * @typedef {object} FrameHandler
 * @property {(conn: RawConn) => void} onOpen handshake done (101 received)
 * @property {(conn: RawConn, opcode: number, buf: Buffer, start: number, end: number) => void} onFrame
 *   a complete text/binary frame; the bytes are valid only during the call
 * @property {(conn: RawConn, reason: string) => void} onClose socket gone (reason: short code)
 */

/**
 * A masked client frame built once. `patch()` rewrites ASCII digits inside the payload without
 * allocating (each byte is XORed with the mask byte for its position).
 */
export class MaskedFrame {
  /**
   * @param {string | Buffer} text payload (ASCII where it is patched)
   * @param {number} [opcode] 1 = text, 8 = close, 10 = pong
   */
  constructor(text, opcode = 1) {
    const payload = typeof text === 'string' ? Buffer.from(text) : text;
    const len = payload.length;
    const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
    /** @type {Buffer} */
    this.buf = Buffer.allocUnsafe(head + 4 + len);
    this.buf[0] = 0x80 | opcode;
    if (head === 2) this.buf[1] = 0x80 | len;
    else if (head === 4) {
      this.buf[1] = 0x80 | 126;
      this.buf.writeUInt16BE(len, 2);
    } else {
      this.buf[1] = 0x80 | 127;
      this.buf.writeUInt32BE(0, 2);
      this.buf.writeUInt32BE(len, 6);
    }
    /** @type {Buffer} the 4-byte mask key, random once per frame */
    this.key = randomBytes(4);
    this.key.copy(this.buf, head);
    /** offset of the payload in `buf` */
    this.offset = head + 4;
    for (let i = 0; i < len; i++) this.buf[this.offset + i] = payload[i] ^ this.key[i & 3];
  }

  /**
   * Writes `value` as `width` decimal digits at payload position `pos` (zero-padded).
   * @param {number} pos
   * @param {number} width
   * @param {number} value non-negative integer
   */
  patch(pos, width, value) {
    let v = value;
    for (let j = width - 1; j >= 0; j--) {
      const d = v % 10;
      v = (v - d) / 10;
      this.buf[this.offset + pos + j] = (48 + d) ^ this.key[(pos + j) & 3];
    }
  }
}

const CLOSE_GOING_AWAY = new MaskedFrame(Buffer.from([0x03, 0xe9]), 8);

/** One client WebSocket: the socket, the parser state and a slot for the scenario's data. */
export class RawConn {
  /**
   * @param {FrameHandler} handler
   * @param {number} index caller's id for this connection
   * @param {number} role caller's role tag (e.g. visitor / operator)
   */
  constructor(handler, index, role) {
    this.handler = handler;
    this.index = index;
    this.role = role;
    this.state = STATE.connecting;
    /** @type {net.Socket | null} */
    this.sock = null;
    /** @type {Buffer | null} bytes of an incomplete frame or HTTP head, kept across reads */
    this.pend = null;
    this.pendLen = 0;
    /** scenario data (session id, prebuilt frames, counters) */
    /** @type {any} */
    this.data = null;
  }

  /**
   * Connects and sends the upgrade request.
   * @param {{ host: string, port: number, localAddress?: string, path: string, headers: string }} o
   *   `headers`: extra header lines, each ending in \r\n
   */
  connect(o) {
    const request = Buffer.from(
      `GET ${o.path} HTTP/1.1\r\nHost: ${o.host}:${o.port}\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        `Sec-WebSocket-Version: 13\r\n${o.headers}\r\n`,
    );
    const options = {
      host: o.host,
      port: o.port,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (/** @type {number} */ n) => this.onRead(n) },
    };
    if (o.localAddress) Object.assign(options, { localAddress: o.localAddress });
    const sock = net.connect(/** @type {net.NetConnectOpts} */ (options));
    this.sock = sock;
    sock.on('connect', () => {
      this.state = STATE.upgrading;
      this.write(request);
    });
    sock.on('error', (err) => this.finish(/** @type {any} */ (err).code ?? 'error'));
    sock.on('close', () => this.finish('closed'));
  }

  /** @param {Buffer} buf */
  write(buf) {
    counters.txBytes += buf.length;
    this.sock?.write(buf);
  }

  /**
   * Writes a prebuilt frame; copies it first when an earlier write of the same buffer may still
   * be queued (open loop at high rate), so a patch never changes bytes in flight.
   * @param {MaskedFrame} frame
   */
  send(frame) {
    const sock = this.sock;
    if (sock === null || this.state !== STATE.open) return false;
    counters.txBytes += frame.buf.length;
    if (sock.writableLength > 0) {
      counters.copies++;
      sock.write(Buffer.from(frame.buf));
    } else sock.write(frame.buf);
    return true;
  }

  /** Sends close 1001 and ends the socket (a tab going away). */
  close() {
    if (this.state === STATE.open) this.write(CLOSE_GOING_AWAY.buf);
    this.sock?.end();
  }

  /** Drops the socket at once. */
  destroy() {
    this.sock?.destroy();
    this.finish('destroyed');
  }

  /** @param {string} reason */
  finish(reason) {
    if (this.state === STATE.closed) return;
    this.state = STATE.closed;
    this.pend = null;
    this.handler.onClose(this, reason);
  }

  /** @param {number} n */
  onRead(n) {
    counters.rxBytes += n;
    if (this.pendLen === 0) {
      const stop = this.consume(READ_BUFFER, 0, n);
      if (stop < n) this.stash(READ_BUFFER, stop, n);
      return;
    }
    this.stash(READ_BUFFER, 0, n);
    const pend = /** @type {Buffer} */ (this.pend);
    const stop = this.consume(pend, 0, this.pendLen);
    if (stop > 0) pend.copy(pend, 0, stop, this.pendLen);
    this.pendLen -= stop;
  }

  /**
   * @param {Buffer} buf
   * @param {number} start
   * @param {number} end
   */
  stash(buf, start, end) {
    const need = this.pendLen + end - start;
    if (need > MAX_FRAME_BYTES) {
      this.destroy();
      return;
    }
    if (this.pend === null || this.pend.length < need) {
      const next = Buffer.allocUnsafe(Math.max(4096, need * 2));
      if (this.pend !== null) this.pend.copy(next, 0, 0, this.pendLen);
      this.pend = next;
    }
    buf.copy(this.pend, this.pendLen, start, end);
    this.pendLen = need;
    counters.copies++;
  }

  /**
   * Handles every complete unit (HTTP head, frames) in buf[start, end).
   * @param {Buffer} buf
   * @param {number} start
   * @param {number} end
   * @returns {number} where the first incomplete unit starts
   */
  consume(buf, start, end) {
    let i = start;
    if (this.state === STATE.upgrading) {
      const at = buf.indexOf(CRLFCRLF, i);
      if (at < 0 || at + 4 > end) {
        if (end - i <= 8192) return i;
        this.destroy(); // no sane upgrade answer is this long
        return end;
      }
      // "HTTP/1.1 101": the status code is bytes 9..11
      if (buf[i + 9] !== 0x31 || buf[i + 10] !== 0x30 || buf[i + 11] !== 0x31) {
        const status = buf.toString('latin1', i + 9, i + 12);
        this.sock?.destroy();
        this.finish(`http_${status}`);
        return end;
      }
      this.state = STATE.open;
      i = at + 4;
      this.handler.onOpen(this);
    }
    while (this.state === STATE.open) {
      if (end - i < 2) return i;
      const b1 = buf[i + 1];
      let len = b1 & 0x7f;
      let head = 2;
      if (len === 126) {
        if (end - i < 4) return i;
        len = buf.readUInt16BE(i + 2);
        head = 4;
      } else if (len === 127) {
        if (end - i < 10) return i;
        len = buf.readUInt32BE(i + 2) * 2 ** 32 + buf.readUInt32BE(i + 6);
        head = 10;
      }
      if (b1 & 0x80) head += 4; // a masked server frame is a protocol error; skip the key
      if (end - i < head + len) {
        if (head + len > MAX_FRAME_BYTES) this.destroy();
        return i;
      }
      counters.rxFrames++;
      const opcode = buf[i] & 0x0f;
      const s = i + head;
      i = s + len;
      if (opcode === 9) this.pong(buf, s, i);
      else if (opcode === 8) this.close();
      else if (opcode !== 10) this.handler.onFrame(this, opcode, buf, s, i);
    }
    return end;
  }

  /**
   * Answers a server ping with a masked pong carrying the same payload (rare: allocates).
   * @param {Buffer} buf
   * @param {number} start
   * @param {number} end
   */
  pong(buf, start, end) {
    this.write(new MaskedFrame(Buffer.from(buf.subarray(start, end)), 10).buf);
  }
}
