import { performance } from 'node:perf_hooks';
import { EIO, frameType, TYPE } from './dialects.mjs';
import { Histogram } from './histogram.mjs';
import { cpuSeconds, rssBytes } from './proc-stats.mjs';
import { counters, MaskedFrame, RawConn, STATE } from './raw-ws.mjs';

// The load generator: visitor and operator connections to one server, and the scenarios' client
// side (closed loop, open loop, ramps). It runs in its own process, pinned to its own core.

/** Microseconds on the monotonic clock (the latency stamp inside each message). */
export const nowUs = () => Math.round(performance.now() * 1000);

const VISITOR = 0;
const OPERATOR = 1;

/** Message text length in characters (~100-byte messages, as in the issue). */
export const TEXT_CHARS = 100;
const STAMP = '@T';
const STAMP_DIGITS = 13;
const COUNTER_DIGITS = 8;
const TEXT = `bench ${STAMP}${'0'.repeat(STAMP_DIGITS)} `.padEnd(
  TEXT_CHARS,
  'the quick brown fox jumps over the lazy dog ',
);

/** A desktop Chrome User-Agent (the relay parses it into browser/OS/device). */
const USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/130.0.0.0 Safari/537.36';

/** Most upgrades in flight at once while connecting (a burst bigger than this is not a user). */
export const CONNECT_CONCURRENCY = 200;

/**
 * @typedef {object} Site
 * @property {string} id
 * @property {string} origin
 */

/** Per-connection scenario state (one shape for every connection). */
class ConnState {
  /**
   * @param {Site} site
   * @param {(ok: boolean, reason: string) => void} onSetup
   */
  constructor(site, onSetup) {
    this.site = site;
    this.session = '';
    /** @type {MaskedFrame | null} */
    this.msg = null;
    this.idAt = 0;
    this.stampAt = 0;
    this.sent = 0;
    this.ready = false;
    this.onSetup = onSetup;
  }
}

/** The client side of every scenario, against one server. */
export class LoadGenerator {
  /**
   * @param {object} o
   * @param {string} o.host server address (127.0.0.1)
   * @param {number} o.port
   * @param {number} o.pid server pid (CPU and RSS are read from /proc)
   * @param {import('./dialects.mjs').Dialect} o.dialect
   * @param {Site[]} o.sites
   * @param {string} o.operatorKey plain operator key (Conduit checks it; peers ignore it)
   * @param {string[]} o.sourceAddresses 127.0.0.x addresses the visitors connect from
   */
  constructor(o) {
    this.o = o;
    /** @type {RawConn[]} */
    this.visitors = [];
    /** @type {RawConn[]} */
    this.operators = [];
    this.hist = new Histogram();
    /** @type {Map<number, Histogram>} every round of one rate, merged */
    this.byRate = new Map();
    this.delivered = 0;
    this.acks = 0;
    this.errors = 0;
    /** @type {string} first error frame seen (codes only: the bench sends no personal data) */
    this.firstError = '';
    this.closedLoop = false;
    this.windowFrom = 0;
    this.windowTo = 0;
    // shared frames that are never patched: safe to queue on many sockets at once
    this.eioOpen = new MaskedFrame('40');
    this.eioPong = new MaskedFrame('3');
  }

  // ---- FrameHandler ------------------------------------------------------------------

  /** @param {RawConn} conn */
  onOpen(conn) {
    if (this.o.dialect.handshake) conn.write(this.eioOpen.buf);
    else this.greet(conn);
  }

  /**
   * @param {RawConn} conn
   * @param {number} _opcode
   * @param {Buffer} buf
   * @param {number} s
   * @param {number} e
   */
  onFrame(conn, _opcode, buf, s, e) {
    const d = this.o.dialect;
    if (d.handshake && buf[s] !== EIO.message) {
      if (buf[s] === EIO.ping) conn.write(this.eioPong.buf);
      return;
    }
    if (d.handshake && buf[s + 1] === 0x30) {
      this.greet(conn); // "40{...}": connected to the namespace
      return;
    }
    const type = frameType(buf, s + d.typeAt, e);
    const st = /** @type {ConnState} */ (conn.data);
    if (conn.role === OPERATOR) {
      if (type === TYPE.msg) this.onDelivered(buf, s, e);
      else if (type === TYPE.ready && !st.ready) this.setupDone(conn, true, 'ok');
      else if (type === TYPE.error) this.onError(conn, buf, s, e);
      return;
    }
    if (type === TYPE.ack) {
      this.acks++;
      if (this.closedLoop) this.sendNext(conn, nowUs());
    } else if (type === TYPE.welcome && !st.ready) this.onWelcome(conn, buf, s, e);
    else if (type === TYPE.error) {
      this.onError(conn, buf, s, e);
      if (this.closedLoop) this.sendNext(conn, nowUs());
    }
  }

  /**
   * @param {RawConn} conn
   * @param {string} reason
   */
  onClose(conn, reason) {
    const st = /** @type {ConnState | null} */ (conn.data);
    if (st && !st.ready) this.setupDone(conn, false, reason);
  }

  // ---- setup -------------------------------------------------------------------------

  /** @param {RawConn} conn */
  greet(conn) {
    const st = /** @type {ConnState} */ (conn.data);
    const frame =
      conn.role === OPERATOR
        ? { t: 'auth', v: 1, key: this.o.operatorKey }
        : {
            t: 'hello',
            v: 1,
            page: {
              url: `${st.site.origin}/products/blue-widget-${conn.index % 500}`,
              title: `Blue widget ${conn.index % 500} - Bench Shop`,
              referrer: 'https://search.example/',
            },
            client: { lang: 'en-GB', tz: 'Europe/London', screen: { w: 1920, h: 1080 } },
          };
    conn.write(new MaskedFrame(this.o.dialect.wrap(JSON.stringify(frame))).buf);
  }

  /**
   * @param {RawConn} conn
   * @param {Buffer} buf
   * @param {number} s
   * @param {number} e
   */
  onWelcome(conn, buf, s, e) {
    const st = /** @type {ConnState} */ (conn.data);
    try {
      const parsed = JSON.parse(buf.toString('utf8', s + this.o.dialect.jsonAt, e));
      st.session = String((Array.isArray(parsed) ? parsed[1] : parsed).session);
    } catch {
      conn.destroy();
      this.setupDone(conn, false, 'bad_welcome');
      return;
    }
    const id = `v${String(conn.index).padStart(6, '0')}x`;
    const json = `{"t":"msg","id":"${id}${'0'.repeat(COUNTER_DIGITS)}","text":"${TEXT}"}`;
    const payload = this.o.dialect.wrap(json);
    st.msg = new MaskedFrame(payload);
    st.idAt = payload.indexOf(id) + id.length;
    st.stampAt = payload.indexOf(STAMP) + STAMP.length;
    this.setupDone(conn, true, 'ok');
  }

  /**
   * @param {RawConn} conn
   * @param {Buffer} buf
   * @param {number} s
   * @param {number} e
   */
  onError(conn, buf, s, e) {
    this.errors++;
    const st = /** @type {ConnState} */ (conn.data);
    const code = /"code":"([a-z_]+)"/.exec(buf.toString('latin1', s, Math.min(e, s + 200)));
    if (this.firstError === '') this.firstError = code?.[1] ?? 'unparsed';
    if (!st.ready) {
      conn.destroy();
      this.setupDone(conn, false, `error_${code?.[1] ?? 'frame'}`);
    }
  }

  /**
   * @param {RawConn} conn
   * @param {boolean} ok
   * @param {string} reason
   */
  setupDone(conn, ok, reason) {
    const st = /** @type {ConnState} */ (conn.data);
    if (st.ready) return;
    st.ready = ok;
    const cb = st.onSetup;
    st.onSetup = () => {};
    cb(ok, reason);
  }

  /**
   * Opens `count` more connections of one role, at most CONNECT_CONCURRENCY upgrades at once.
   * @param {'visitor' | 'operator'} role
   * @param {number} count
   * @param {{ timeoutMs: number, stop?: () => string }} o `stop` returns a reason to stop early
   * @returns {Promise<{ ok: number, failed: number, reasons: Record<string, number>, stopped: string, ms: number }>}
   */
  connect(role, count, o) {
    const list = role === 'visitor' ? this.visitors : this.operators;
    const t0 = performance.now();
    return new Promise((resolve) => {
      let started = 0;
      let done = 0;
      let ok = 0;
      let stopped = '';
      /** @type {Record<string, number>} */
      const reasons = {};
      const timer = setTimeout(() => {
        stopped ||= 'time';
        for (const c of list) if (c.data && !c.data.ready) c.destroy();
      }, o.timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        resolve({
          ok,
          failed: done - ok,
          reasons,
          stopped,
          ms: Math.round(performance.now() - t0),
        });
      };
      /** @type {(good: boolean, reason: string) => void} */
      const onSetup = (good, reason) => {
        done++;
        if (good) ok++;
        else reasons[reason] = (reasons[reason] ?? 0) + 1;
        if (!stopped && o.stop) stopped = o.stop();
        if (!stopped && started < count) startOne();
        else if (done === started) finish();
      };
      const startOne = () => {
        started++;
        const index = list.length;
        const site = this.o.sites[index % this.o.sites.length];
        const conn = new RawConn(this, index, role === 'visitor' ? VISITOR : OPERATOR);
        conn.data = new ConnState(/** @type {Site} */ (site), onSetup);
        list.push(conn);
        const addrs = this.o.sourceAddresses;
        conn.connect({
          host: this.o.host,
          port: this.o.port,
          path: this.o.dialect.path(role, /** @type {Site} */ (site).id),
          headers: `Origin: ${site?.origin}\r\nUser-Agent: ${USER_AGENT}\r\nAccept-Language: en-GB\r\n`,
          ...(role === 'visitor' ? { localAddress: addrs[index % addrs.length] } : {}),
        });
      };
      if (count === 0) finish();
      for (let k = 0; k < Math.min(CONNECT_CONCURRENCY, count); k++) startOne();
    });
  }

  /** Visitors whose hello is done and whose socket is open. */
  readyVisitors() {
    return this.visitors.filter((c) => c.state === STATE.open && c.data?.ready);
  }

  // ---- hot path ----------------------------------------------------------------------

  /**
   * Sends the visitor's next message, stamped with `stampUs`.
   * @param {RawConn} conn
   * @param {number} stampUs
   */
  sendNext(conn, stampUs) {
    const st = /** @type {ConnState} */ (conn.data);
    const msg = /** @type {MaskedFrame} */ (st.msg);
    st.sent++;
    msg.patch(st.idAt, COUNTER_DIGITS, st.sent);
    msg.patch(st.stampAt, STAMP_DIGITS, stampUs);
    return conn.send(msg);
  }

  /**
   * An operator received a visitor's message: count it and record its latency.
   * @param {Buffer} buf
   * @param {number} s
   * @param {number} e
   */
  onDelivered(buf, s, e) {
    this.delivered++;
    for (let i = s + 20; i < e - STAMP_DIGITS - 1; i++) {
      if (buf[i] !== 0x40 || buf[i + 1] !== 0x54) continue;
      let stamp = 0;
      for (let j = i + 2; j < i + 2 + STAMP_DIGITS; j++) stamp = stamp * 10 + buf[j] - 48;
      if (stamp >= this.windowFrom && stamp < this.windowTo) this.hist.record(nowUs() - stamp);
      return;
    }
  }

  /** Snapshot of the counters, the server's CPU seconds and our own (see loops.mjs). */
  mark() {
    const cpu = process.cpuUsage();
    return {
      t: performance.now(),
      delivered: this.delivered,
      acks: this.acks,
      errors: this.errors,
      serverCpu: cpuSeconds(this.o.pid),
      genCpu: (cpu.user + cpu.system) / 1e6,
      rx: counters.rxBytes,
      tx: counters.txBytes,
    };
  }

  /**
   * Closes every visitor (close frame 1001, then FIN) and waits until the sockets are gone.
   * @param {number} timeoutMs
   */
  async closeVisitors(timeoutMs) {
    for (const v of this.visitors) v.close();
    const until = performance.now() + timeoutMs;
    while (performance.now() < until && this.visitors.some((v) => v.state !== STATE.closed)) {
      await sleep(50);
    }
    const left = this.visitors.filter((v) => v.state !== STATE.closed).length;
    for (const v of this.visitors) if (v.state !== STATE.closed) v.destroy();
    this.visitors = [];
    return { left };
  }

  /** Server resident set size right now (no GC), bytes. */
  serverRss() {
    return rssBytes(this.o.pid);
  }

  /** Drops every socket (end of a scenario). */
  destroyAll() {
    for (const c of [...this.visitors, ...this.operators]) c.destroy();
    this.visitors = [];
    this.operators = [];
  }
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
