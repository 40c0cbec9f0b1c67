import type { ChatCore, ChatOptions } from './chat.js';
import type { Strings } from './i18n.js';
import type { Mounted } from './mount.js';
import type { Command } from './script-tag.js';
import type { Shared } from './shared.js';

// The contract between the two files of the script tag: `widget.js` (the facade) and
// `app.js` (the chat). They may come from different builds (each is cached for a day), so
// the contract is versioned and the facade refuses an app that speaks another version.

/** The event `app.js` dispatches on `document` when it runs; its `detail` is an `AppAnnouncement`. */
export const APP_EVENT = 'conduit:app';

/** Version of this contract; bumped on any change to `Handover` or `AppHandle`. */
export const HANDOVER_VERSION = 2;

/** What the facade gives the app. */
export interface Handover {
  /** The options read from the script tag. */
  options: ChatOptions;
  /** The facade's `<conduit-chat>` element; the app renders into it (the launcher in place). */
  mounted: Mounted;
  /** The language table loaded so far (empty for English or before it arrived). */
  strings: Partial<Strings>;
  /** The commands made before the app arrived, in order. */
  commands: Command[];
  /** The code and data both files need, which app.js does not carry itself (`shared.ts`). */
  shared: Shared;
}

/** What the app gives back: the real chat, and a way to hand it a language table arriving later. */
export type AppHandle = Pick<ChatCore, 'chat' | 'addStrings'>;

/** `detail` of the `conduit:app` event. */
export interface AppAnnouncement {
  v: number;
  start(handover: Handover): AppHandle;
}
