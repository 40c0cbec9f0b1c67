import { linkify } from '../linkify.js';

/** Message text as text nodes; only http(s) URLs become links (CHECKLIST B4). */
export function MessageText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((part) =>
        part.href ? (
          <a href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </>
  );
}
