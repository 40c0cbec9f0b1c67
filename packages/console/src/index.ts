// Public API of @conduit-chat/console: the parts without a DOM, for tests, custom consoles
// and bots. The app itself is the Vite build in dist/ (served by the relay at /console/).

export type {
  ConsoleController,
  ConsoleControllerOptions,
  ControllerState,
} from './console-controller.js';
export { createConsoleController, LOGIN_ERRORS } from './console-controller.js';
export type { ConsoleLimits } from './console-limits.js';
export { CONSOLE_LIMITS } from './console-limits.js';
export type { Credentials } from './credentials.js';
export { forgetCredentials, loadCredentials, saveCredentials } from './credentials.js';
export type { ConsoleErrorCode } from './errors.js';
export { CONSOLE_ERROR_CODE_LIST, CONSOLE_ERROR_CODES, ConsoleError } from './errors.js';
export type { Notice } from './notices.js';
export { noticesFor, titleCount, titleText } from './notices.js';
export type { DesktopPermission, Notifier } from './notifier.js';
export { createNotifier } from './notifier.js';
export type {
  ClientEndReason,
  ClientState,
  ControlFrame,
  OperatorClient,
  OperatorClientOptions,
} from './operator-client.js';
export { createOperatorClient } from './operator-client.js';
export { randomId } from './random-id.js';
export type {
  Chat,
  ChatMessage,
  ConsoleAction,
  ConsoleState,
  DeliveryStatus,
  Person,
  ShownError,
  StoreLimits,
} from './store.js';
export { emptyChat, initialState, reduce } from './store.js';
export type { TypingThrottle, TypingThrottleOptions } from './typing-throttle.js';
export { createTypingThrottle } from './typing-throttle.js';
