// Types and constants of the Conduit wire protocol. Free of zod: safe for browser bundles.
// Schemas and `parseFrame` live in `@conduit-chat/protocol/schema`.
export type { CloseName } from './close-codes.js';
export { CLOSE_CODES, RECONNECT_CLOSE_CODES } from './close-codes.js';
export type { ErrorCode, WireError } from './errors.js';
export { ERROR_CODE_LIST, ERROR_CODES } from './errors.js';
export { ackText, visitorMsgText } from './frame-text.js';
export type {
  CannedResponse,
  EndReason,
  FrameOf,
  OfflineRequest,
  OperatorPresence,
  OperatorToRelay,
  RelayToOperator,
  RelayToVisitor,
  VisitorSnapshot,
  VisitorToRelay,
  WidgetSettings,
} from './frames.js';
export type { Limits } from './limits.js';
export { LIMITS, PROTOCOL_VERSION } from './limits.js';
export type { TextPart } from './linkify.js';
export { linkify } from './linkify.js';
export { clamp, cleanLine, cleanText, isEmail, pageUrl } from './sanitize.js';
