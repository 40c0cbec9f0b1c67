/**
 * The only English the script tag's facade (`widget.js`) shows: the launcher's name, and what
 * follows it when `app.js` did not load (the same as `EN.open` and `EN.loadFailed`, which a
 * test pins). The English table itself ships with the app: app.js cannot take it from the
 * facade, because `EN` is built when app.js runs, before the handover.
 */
export const LAUNCHER_STRINGS = {
  open: 'Open chat',
  /** After the launcher's label when the script tag's app file did not load. */
  loadFailed: 'could not load, try again',
};
