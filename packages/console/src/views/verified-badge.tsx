import type { VisitorSnapshot } from '@conduit-chat/protocol';
import { Name } from './name.js';

/**
 * "Verified" next to a visitor whose identity the relay checked against the site's secret
 * (issue #15). The word carries the meaning (not a colour or an icon alone), and the verified
 * user id is its accessible description. Nothing at all for an unverified visitor: a typed
 * name or an unsigned id is never dressed up as checked.
 */
export function VerifiedBadge({ v }: { v: VisitorSnapshot | null }) {
  if (v?.verified !== true || v.userId === undefined) return null;
  // The leading space separates it from the name before it (and only when it is shown).
  return (
    <>
      {' '}
      <span class="pill verified" title={`Verified user id ${v.userId}`}>
        <span aria-hidden="true">✓ </span>Verified
        <span class="sr-only">
          {' '}
          user id <Name>{v.userId}</Name>
        </span>
      </span>
    </>
  );
}
