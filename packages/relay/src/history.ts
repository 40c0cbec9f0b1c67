// A session's chat history packed into bytes: one growing Buffer per session that has chatted
// for the text, and typed arrays for everything else. Why not an array of message objects: a
// relay holding 1 000 long chats keeps ~500 000 messages, i.e. ~1.5 million small objects and
// strings for the garbage collector to mark on every full collection (bench/README.md: ~176 MB
// live, event-loop stalls of 90–220 ms at 20k msg/s). Bytes in a Buffer and typed arrays live
// outside the V8 heap and are never traced; a message becomes objects again only when it is
// read (replay, transcript, a duplicate).
//
// Per message k (a ring: `head` is the oldest's index):
//   meta[4k]    byte offset of its id, operator id, name and text in `bytes`
//   meta[4k+1]  hash of (side, id), for the de-duplication index
//   meta[4k+2]  UTF-8 bytes of the text
//   meta[4k+3]  id length | (name bytes + 1, 0 = no name) << 8 | side << 24 (1 = operator)
//               | operator id length << 25 (ASCII, at most 64; 0 = none)
//   ats[k]      epoch ms
// Seqs are contiguous (every append takes the next one), so a message's seq is its position.
// `index` finds a seq by (side, id) in O(1): open addressing on the hash, linear probing, seq
// per entry (0 = empty); entries of dropped messages are skipped and vanish at the next rebuild.

import type { StoredMessage } from './session-store.js';

const FIRST_BYTES = 1024;
const FIRST_SLOTS = 8;
/** The index has this many entries per ring slot (load ≤ 1/2 between rebuilds). */
const INDEX_PER_SLOT = 4;

type Side = 'visitor' | 'operator';

/** The messages one session keeps, oldest first, at most `cap` of them. */
export class History {
  /** Messages held. */
  length = 0;
  /** Seq of the oldest message held (the next append's seq while empty). */
  firstSeq = 1;
  private bytes: Buffer = Buffer.allocUnsafeSlow(FIRST_BYTES);
  /** Byte offsets of the oldest message's bytes and just past the newest's. */
  private start = 0;
  private end = 0;
  private meta = new Uint32Array(FIRST_SLOTS * 4);
  private ats = new Float64Array(FIRST_SLOTS);
  private head = 0;
  private index = new Uint32Array(FIRST_SLOTS * INDEX_PER_SLOT);
  /** Non-empty index entries (live or stale). */
  private indexed = 0;

  constructor(readonly cap: number) {}

  /** Seq of the newest message (firstSeq − 1 while empty). */
  get lastSeq(): number {
    return this.firstSeq + this.length - 1;
  }

  /**
   * Appends a message; its seq is `lastSeq + 1`. Returns how many of the oldest it dropped to
   * stay within `cap` (0 or 1).
   */
  push(
    id: string,
    from: Side,
    name: string | undefined,
    text: string,
    at: number,
    operator = '',
  ): number {
    // Room for the worst case (3 UTF-8 bytes per UTF-16 unit); the writes say what they took.
    const room =
      id.length + operator.length + (name === undefined ? 0 : name.length * 3) + text.length * 3;
    if (this.end + room > this.bytes.length) this.makeRoom(room);
    if (this.length === this.ats.length) this.grow();
    const o = this.end;
    // One write (each `Buffer#write` costs ~0.4 µs of argument handling before the copy): the
    // ids are ASCII, so their bytes are their lengths; a name's are counted apart.
    const nameBytes = name === undefined ? 0 : Buffer.byteLength(name);
    const written = this.bytes.write(id + operator + (name ?? '') + text, o, 'utf8');
    const textBytes = written - id.length - operator.length - nameBytes;
    this.end = o + written;
    const k = (this.head + this.length) & (this.ats.length - 1);
    const hash = idHash(from, id);
    const meta = this.meta;
    meta[k * 4] = o;
    meta[k * 4 + 1] = hash;
    meta[k * 4 + 2] = textBytes;
    meta[k * 4 + 3] =
      id.length |
      ((name === undefined ? 0 : nameBytes + 1) << 8) |
      (from === 'operator' ? 1 << 24 : 0) |
      (operator.length << 25);
    this.ats[k] = at;
    this.length++;
    this.addToIndex(hash, this.lastSeq);
    if (this.length <= this.cap) return 0;
    this.dropOldest();
    return 1;
  }

  /** The seq of the message `from` sent with client id `id`, or -1. */
  find(from: Side, id: string): number {
    const hash = idHash(from, id);
    const index = this.index;
    const mask = index.length - 1;
    const side = from === 'operator' ? 1 : 0;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const seq = index[i] as number;
      if (seq === 0) return -1;
      const pos = seq - this.firstSeq;
      if (pos < 0 || pos >= this.length) continue;
      const k = ((this.head + pos) & (this.ats.length - 1)) * 4;
      if (this.meta[k + 1] !== hash) continue;
      const packed = this.meta[k + 3] as number;
      if (((packed >>> 24) & 1) !== side || (packed & 0xff) !== id.length) continue;
      const o = this.meta[k] as number;
      if (this.bytes.toString('latin1', o, o + id.length) === id) return seq;
    }
  }

  /** The message with this seq, if still held. */
  get(seq: number): StoredMessage | undefined {
    const pos = seq - this.firstSeq;
    if (pos < 0 || pos >= this.length) return undefined;
    const slot = (this.head + pos) & (this.ats.length - 1);
    const meta = this.meta;
    const o = meta[slot * 4] as number;
    const packed = meta[slot * 4 + 3] as number;
    const idEnd = o + (packed & 0xff);
    const operatorEnd = idEnd + (packed >>> 25);
    const nameField = (packed >>> 8) & 0xffff;
    const nameEnd = operatorEnd + (nameField === 0 ? 0 : nameField - 1);
    const b = this.bytes;
    return {
      seq,
      id: b.toString('latin1', o, idEnd),
      from: ((packed >>> 24) & 1) === 1 ? 'operator' : 'visitor',
      name: nameField === 0 ? undefined : b.toString('utf8', operatorEnd, nameEnd),
      operator: operatorEnd === idEnd ? undefined : b.toString('latin1', idEnd, operatorEnd),
      text: b.toString('utf8', nameEnd, nameEnd + (meta[slot * 4 + 2] as number)),
      at: this.ats[slot] as number,
    };
  }

  /** Messages with a seq above `afterSeq`, oldest first. */
  *after(afterSeq: number): IterableIterator<StoredMessage> {
    for (let seq = Math.max(afterSeq + 1, this.firstSeq); seq <= this.lastSeq; seq++) {
      const m = this.get(seq);
      if (m) yield m;
    }
  }

  /** Overwrites every byte with zeros and forgets all messages (the session ended). */
  wipe(): void {
    this.bytes.fill(0);
    this.meta.fill(0);
    this.ats.fill(0);
    this.index.fill(0);
    this.indexed = 0;
    this.firstSeq += this.length;
    this.length = 0;
    this.start = 0;
    this.end = 0;
  }

  private dropOldest(): void {
    const slots = this.ats.length;
    this.head = (this.head + 1) & (slots - 1);
    this.length--;
    this.firstSeq++;
    this.start = this.length === 0 ? this.end : (this.meta[this.head * 4] as number);
  }

  private addToIndex(hash: number, seq: number): void {
    if ((this.indexed + 1) * 2 > this.index.length) this.rebuildIndex();
    const index = this.index;
    const mask = index.length - 1;
    let i = hash & mask;
    while (index[i] !== 0) i = (i + 1) & mask;
    index[i] = seq;
    this.indexed++;
  }

  /** Re-inserts the live messages only (stale entries of dropped ones go). */
  private rebuildIndex(): void {
    const index = this.index;
    index.fill(0);
    this.indexed = 0;
    const mask = index.length - 1;
    const slots = this.ats.length;
    for (let pos = 0; pos < this.length; pos++) {
      const k = (this.head + pos) & (slots - 1);
      let i = (this.meta[k * 4 + 1] as number) & mask;
      while (index[i] !== 0) i = (i + 1) & mask;
      index[i] = this.firstSeq + pos;
      this.indexed++;
    }
  }

  /** Room for `size` more bytes: compacts in place when at most half is live, else doubles. */
  private makeRoom(size: number): void {
    const live = this.end - this.start;
    const old = this.bytes;
    if ((live + size) * 2 <= old.length) {
      old.copy(old, 0, this.start, this.end);
      old.fill(0, live, this.end);
    } else {
      let length = old.length * 2;
      while (length < (live + size) * 2) length *= 2;
      const bytes = Buffer.allocUnsafeSlow(length);
      old.copy(bytes, 0, this.start, this.end);
      old.fill(0);
      this.bytes = bytes;
    }
    const shift = this.start;
    const slots = this.ats.length;
    for (let pos = 0; pos < this.length; pos++) {
      const k = ((this.head + pos) & (slots - 1)) * 4;
      this.meta[k] = (this.meta[k] as number) - shift;
    }
    this.start = 0;
    this.end = live;
  }

  /** Doubles the ring (oldest message first at index 0) and the index. */
  private grow(): void {
    const slots = this.ats.length;
    const meta = new Uint32Array(slots * 8);
    const ats = new Float64Array(slots * 2);
    for (let pos = 0; pos < this.length; pos++) {
      const k = (this.head + pos) & (slots - 1);
      meta.set(this.meta.subarray(k * 4, k * 4 + 4), pos * 4);
      ats[pos] = this.ats[k] as number;
    }
    this.meta = meta;
    this.ats = ats;
    this.head = 0;
    this.index = new Uint32Array(slots * 2 * INDEX_PER_SLOT);
    this.rebuildIndex();
  }
}

/** FNV-1a over the id's characters, seeded by the author's side (exported for tests). */
export function idHash(from: Side, id: string): number {
  let h = from === 'visitor' ? 0x811c9dc5 : 0x050c5d1f;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
