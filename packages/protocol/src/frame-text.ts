import type { FrameOf, RelayToOperator, RelayToVisitor } from './frames.js';

// The relay's two hottest frames, serialised without building an object first: the same bytes
// as `JSON.stringify` of the frame (a test pins that, escapes included). The ids come from the
// relay (base64url) or passed the `clientId` pattern, so only the text needs escaping.

/** `JSON.stringify({ t: 'ack', id, seq })` for the visitor's `ack`. */
export function ackText(frame: Omit<FrameOf<RelayToVisitor, 'ack'>, 't'>): string {
  return `{"t":"ack","id":"${frame.id}","seq":${frame.seq}}`;
}

/** `JSON.stringify` of a visitor's `msg` as operators receive it (no name, no operator id). */
export function visitorMsgText(
  frame: Omit<FrameOf<RelayToOperator, 'msg'>, 't' | 'from' | 'name' | 'operator'>,
): string {
  return `{"t":"msg","session":"${frame.session}","seq":${frame.seq},"id":"${frame.id}","from":"visitor","text":${JSON.stringify(frame.text)},"at":${frame.at}}`;
}
