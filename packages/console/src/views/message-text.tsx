import { linkify } from '@conduit-chat/protocol';

/**
 * Message text rendered as text nodes, with only `http(s)` URLs turned into links that open
 * in a new tab without referrer or opener (SECURITY.md B4). The split is the protocol's
 * `linkify`, the same rule the widget uses. No markup of the sender survives.
 */
export function MessageText({ text }: { text: string }) {
  return (
    <span class="text">
      {linkify(text).map(({ text: part, href }) =>
        href ? (
          <a href={href} target="_blank" rel="noopener noreferrer">
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </span>
  );
}
