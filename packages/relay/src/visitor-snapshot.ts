import type { VisitorSnapshot } from '@conduit-chat/protocol';
import type { Session } from './session-store.js';

// What an operator sees of one visitor (the `visitor` upsert and `ready.visitors`).

/** The snapshot of a live session, in the protocol's shape. */
export function visitorSnapshot(session: Session<unknown>): VisitorSnapshot {
  const t = session.tech;
  const last = session.pages[session.pages.length - 1];
  const snap: VisitorSnapshot = {
    session: session.id,
    state:
      session.state === 'detached'
        ? 'detached'
        : session.owner
          ? 'chatting'
          : session.waitingSince !== null
            ? 'waiting'
            : 'browsing',
    owner: session.owner ? { ...session.owner } : null,
    startedAt: session.startedAt,
    waitingSince: session.waitingSince,
    page: { url: last?.url ?? '', title: last?.title ?? '' },
    pages: session.pages.map((p) => ({ ...p })),
    referrer: t.referrer,
    browser: t.browser,
    os: t.os,
    device: t.device,
    lang: t.lang,
    tz: t.tz,
    screen: { w: t.screenW, h: t.screenH },
    lastSeq: session.lastSeq,
  };
  if (session.invited) snap.invited = { ...session.invited };
  if (session.info.name) snap.name = session.info.name;
  if (session.info.email) snap.email = session.info.email;
  if (session.info.custom) snap.custom = { ...session.info.custom };
  if (session.info.verifiedId !== undefined) {
    snap.verified = true;
    snap.userId = session.info.verifiedId;
  }
  if (t.ip) snap.ip = t.ip;
  if (t.country) snap.country = t.country;
  if (t.city) snap.city = t.city;
  return snap;
}
