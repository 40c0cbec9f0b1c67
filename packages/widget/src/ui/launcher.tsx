import { fill, type Strings } from '../i18n.js';

/** The round button that opens and closes the panel, with the unread badge. */
export function Launcher(props: {
  t: Strings;
  open: boolean;
  unread: number;
  onClick: () => void;
}) {
  const { t, unread } = props;
  const label = props.open ? t.minimize : t.open;
  return (
    <button
      type="button"
      class="l"
      part="launcher"
      aria-label={unread ? `${label} (${fill(t.unread, unread)})` : label}
      aria-expanded={props.open ? 'true' : 'false'}
      onClick={props.onClick}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d={props.open ? 'M6 6l12 12M18 6L6 18' : 'M4 4h16v12H9l-5 4z'} />
      </svg>
      {unread > 0 && (
        <span class="b" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </button>
  );
}
