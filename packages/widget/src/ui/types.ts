import type { ChatState } from '../chat-store.js';
import type { Strings } from '../i18n.js';
import type { ContactErrors, ContactInput } from '../validate.js';

/** What the UI can ask the controller to do. */
export interface Actions {
  open(): void;
  close(): void;
  /** Sends a chat message (already checked for length and emptiness). */
  send(text: string): void;
  /** The visitor types (the controller throttles and sends `typing`). */
  typing(): void;
  /** Pre-chat form done (`null`: skipped). */
  preChat(value: ContactInput | null): void;
  offline(value: ContactInput): void;
  end(): void;
  restart(): void;
  download(): void;
  retry(): void;
  sound(on: boolean): void;
}

/** Everything a view needs besides the chat state. */
export interface ViewProps {
  state: ChatState;
  t: Strings;
  actions: Actions;
  /** Header title (site name). */
  title: string;
  greeting: string | null;
  preChat: 'off' | 'optional' | 'required';
  preChatDone: boolean;
  sound: boolean;
  locale: string | undefined;
  /** Language of the strings shown (`en` until the visitor's table has arrived) and its direction: on the panel. */
  lang: string;
  dir: 'ltr' | 'rtl';
  /** The team's logo or avatar (`https:` URL), or null. */
  logo: string | null;
  /** Draw the launcher (false: `hideLauncher`, the page has its own button). */
  launcher: boolean;
}

/** Props of the contact forms. */
export interface FormProps {
  t: Strings;
  errors: ContactErrors;
}
