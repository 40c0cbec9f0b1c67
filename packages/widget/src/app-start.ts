import {
  APP_EVENT,
  type AppAnnouncement,
  type AppHandle,
  HANDOVER_VERSION,
  type Handover,
} from './app-handover.js';
import { chatCore } from './chat.js';
import { runCommand } from './script-tag.js';
import { useShared } from './shared.js';

/** Runs commands in order; one that throws (an unknown name) is reported and skipped. */
function replay(handle: AppHandle, commands: Handover['commands']) {
  for (const command of commands) {
    try {
      runCommand(handle.chat, command);
    } catch (error) {
      console.error(error);
    }
  }
}

/**
 * The script-tag app taking over from the facade: creates the chat in the facade's element,
 * attaches the queued listeners (`on`/`off`, in order), starts it (a chat of this tab
 * resumes, `data-open` opens), then runs the other queued commands in order, so a click made
 * while `app.js` was loading opens the panel now, as a click would.
 */
export function startApp({ options, mounted, strings, commands, shared }: Handover): AppHandle {
  useShared(shared);
  const core = chatCore(options, {}, mounted);
  core.addStrings(strings);
  const listener = ([name]: Handover['commands'][number]) => name === 'on' || name === 'off';
  replay(core, commands.filter(listener));
  core.start();
  replay(
    core,
    commands.filter((c) => !listener(c)),
  );
  return core;
}

/** Hands `startApp` to the facade: one `conduit:app` event on `doc`, no global. */
export function announceApp(doc: Document): void {
  const detail: AppAnnouncement = { v: HANDOVER_VERSION, start: startApp };
  doc.dispatchEvent(new CustomEvent(APP_EVENT, { detail }));
}
