// Frames queued with `Conn.queue` are written once per event-loop turn: a visitor's message
// callback queues the frame for its site's operators, and all frames queued for one operator
// in the turn go out in one corked write (one syscall) from the check phase. uWS.js runs every
// socket of one epoll batch in the poll phase, so `setImmediate` sees the whole batch.

/** A connection with frames waiting. */
export interface Flushable {
  /** Writes what is queued (corked); must not throw. */
  flush(): void;
}

let due: Flushable[] = [];
let scheduled = false;

function flushAll(): void {
  scheduled = false;
  const list = due;
  due = [];
  for (const conn of list) {
    try {
      conn.flush();
    } catch {
      // One socket's failure must not keep the others' frames back (nor reach the loop).
    }
  }
}

/**
 * Flushes `conn` at the end of this event-loop turn. Call once per turn per connection (when
 * its queue goes from empty to non-empty); the list is bounded by the open connections.
 */
export function scheduleFlush(conn: Flushable): void {
  due.push(conn);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushAll);
  }
}

/** Largest WebSocket frame header a server writes (2 + 8 bytes of length, no mask). */
export const FRAME_HEADER_BYTES = 10;
