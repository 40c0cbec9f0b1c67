// A session's chat history packed into bytes: one growing Buffer per session that has chatted,
// plus a ring of (offset, id hash) pairs. Why not an array of message objects: a relay holding
// 1 000 long chats keeps ~500 000 messages, i.e. ~1.5 million small objects and strings for the
// garbage collector to mark on every full collection (bench/README.md: ~176 MB live, event-loop
// stalls of 90–220 ms at 20k msg/s). Bytes in a Buffer live outside the V8 heap and are never
// traced; a message becomes objects again only when it is read (replay, transcript).
//
// Record at byte offset o (little endian):
//   o+0  at       float64   epoch ms
//   o+8  textLen  uint32    UTF-8 bytes of text
//   o+12 nameLen  uint16    UTF-8 bytes of name; 0xffff: no name
//   o+14 from     uint8     0 visitor, 1 operator
//   o+15 idLen    uint8     bytes of id (ASCII: [A-Za-z0-9_-], LIMITS.idChars ≤ 255)
//   o+16 id, name, text
// Seqs are contiguous (every append takes the next one), so a message's seq is its position.

import type { StoredMessage } from './session-store.js';

const HEADER = 16;
const NO_NAME = 0xffff;
const FIRST_BYTES = 1024;
const FIRST_SLOTS = 8;

/** The messages one session keeps, oldest first, at most `cap` of them. */
export class History {
  /** Messages held. */
  length = 0;
  /** Seq of the oldest message held (the next append's seq while empty). */
  firstSeq = 1;
  private bytes: Buffer = Buffer.allocUnsafeSlow(FIRST_BYTES);
  /** Byte offsets of the oldest record and just past the newest. */
  private start = 0;
  private end = 0;
  /** A ring of [offset, id hash] per message; `head` is the oldest's index. */
  private slots = new Uint32Array(FIRST_SLOTS * 2);
  private head = 0;

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
    from: 'visitor' | 'operator',
    name: string | undefined,
    text: string,
    at: number,
  ): number {
    const nameBytes = name === undefined ? 0 : Buffer.byteLength(name);
    const textBytes = Buffer.byteLength(text);
    const size = HEADER + id.length + nameBytes + textBytes;
    if (this.end + size > this.bytes.length) this.makeRoom(size);
    if (this.length * 2 === this.slots.length) this.growSlots();
    const b = this.bytes;
    const o = this.end;
    b.writeDoubleLE(at, o);
    b.writeUInt32LE(textBytes, o + 8);
    b.writeUInt16LE(name === undefined ? NO_NAME : nameBytes, o + 12);
    b[o + 14] = from === 'visitor' ? 0 : 1;
    b[o + 15] = id.length;
    let p = o + HEADER;
    p += b.write(id, p, 'latin1');
    if (name !== undefined) p += b.write(name, p, 'utf8');
    this.end = p + b.write(text, p, 'utf8');
    const slot = ((this.head + this.length) & (this.slots.length / 2 - 1)) * 2;
    this.slots[slot] = o;
    this.slots[slot + 1] = idHash(from, id);
    this.length++;
    if (this.length <= this.cap) return 0;
    this.dropOldest();
    return 1;
  }

  /** The seq of the message `from` sent with client id `id`, or -1. */
  find(from: 'visitor' | 'operator', id: string): number {
    const hash = idHash(from, id);
    const mask = this.slots.length / 2 - 1;
    const fromByte = from === 'visitor' ? 0 : 1;
    for (let i = this.length - 1; i >= 0; i--) {
      const slot = ((this.head + i) & mask) * 2;
      if (this.slots[slot + 1] !== hash) continue;
      const o = this.slots[slot] as number;
      const b = this.bytes;
      if (b[o + 14] === fromByte && b[o + 15] === id.length) {
        if (b.toString('latin1', o + HEADER, o + HEADER + id.length) === id)
          return this.firstSeq + i;
      }
    }
    return -1;
  }

  /** The message with this seq, if still held. */
  get(seq: number): StoredMessage | undefined {
    const i = seq - this.firstSeq;
    if (i < 0 || i >= this.length) return undefined;
    const o = this.slots[((this.head + i) & (this.slots.length / 2 - 1)) * 2] as number;
    const b = this.bytes;
    const textBytes = b.readUInt32LE(o + 8);
    const nameBytes = b.readUInt16LE(o + 12);
    let p = o + HEADER + (b[o + 15] as number);
    const id = b.toString('latin1', o + HEADER, p);
    let name: string | undefined;
    if (nameBytes !== NO_NAME) {
      name = b.toString('utf8', p, p + nameBytes);
      p += nameBytes;
    }
    return {
      seq,
      id,
      from: b[o + 14] === 0 ? 'visitor' : 'operator',
      name,
      text: b.toString('utf8', p, p + textBytes),
      at: b.readDoubleLE(o),
    };
  }

  /** Messages with a seq above `afterSeq`, oldest first. */
  *after(afterSeq: number): IterableIterator<StoredMessage> {
    for (let seq = Math.max(afterSeq + 1, this.firstSeq); seq <= this.lastSeq; seq++) {
      const m = this.get(seq);
      if (m) yield m;
    }
  }

  /** Bytes held outside the V8 heap (buffer and ring), for metrics and tests. */
  get byteSize(): number {
    return this.bytes.length + this.slots.byteLength;
  }

  /** Overwrites every byte with zeros and forgets all messages (the session ended). */
  wipe(): void {
    this.bytes.fill(0);
    this.slots.fill(0);
    this.firstSeq += this.length;
    this.length = 0;
    this.start = 0;
    this.end = 0;
  }

  private dropOldest(): void {
    this.head = (this.head + 1) & (this.slots.length / 2 - 1);
    this.length--;
    this.firstSeq++;
    this.start = this.length === 0 ? this.end : (this.slots[this.head * 2] as number);
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
    const mask = this.slots.length / 2 - 1;
    for (let i = 0; i < this.length; i++) {
      const slot = ((this.head + i) & mask) * 2;
      this.slots[slot] = (this.slots[slot] as number) - shift;
    }
    this.start = 0;
    this.end = live;
  }

  /** Doubles the ring, oldest message first at index 0. */
  private growSlots(): void {
    const old = this.slots;
    const mask = old.length / 2 - 1;
    const slots = new Uint32Array(old.length * 2);
    for (let i = 0; i < this.length; i++) {
      const from = ((this.head + i) & mask) * 2;
      slots[i * 2] = old[from] as number;
      slots[i * 2 + 1] = old[from + 1] as number;
    }
    this.slots = slots;
    this.head = 0;
  }
}

/** FNV-1a over the id's characters, seeded by the author's side. */
function idHash(from: 'visitor' | 'operator', id: string): number {
  let h = from === 'visitor' ? 0x811c9dc5 : 0x050c5d1f;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
