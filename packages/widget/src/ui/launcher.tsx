import type { Ref } from 'preact';
import { fill, type Strings } from '../i18n.js';

/** The round button that opens and closes the panel, with the unread badge. */
export function Launcher(props: {
  t: Strings;
  open: boolean;
  unread: number;
  buttonRef: Ref<HTMLButtonElement>;
  onClick: () => void;
}) {
  const { t, unread } = props;
  const label = props.open ? t.minimize : t.open;
  return (
    <button
      type="button"
      class="l"
      part="launcher"
      ref={props.buttonRef}
      aria-label={unread ? `${label} (${fill(t.unread, { n: unread })})` : label}
      aria-expanded={props.open ? 'true' : 'false'}
      onClick={props.onClick}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true">
        {props.open ? (
          <path d="M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 1 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z" />
        ) : (
          <path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z" />
        )}
      </svg>
      {unread > 0 && (
        <span class="b" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </button>
  );
}
