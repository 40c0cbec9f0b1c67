import {
  ackText,
  CLOSE_CODES,
  type FrameOf,
  pageUrl,
  type RelayToVisitor,
  type VisitorToRelay,
} from '@conduit-chat/protocol';
import { admitFrame, armHandshake, disarmHandshake } from './frame-guard.js';
import type { Hub, RelayConn } from './hub.js';
import { checkIdentity } from './identity-check.js';
import { technicalData } from './mail-jobs.js';
import type { OfflineLimiter } from './offline-limiter.js';
import { resumeToken, type Session, type SessionInfo } from './session-store.js';
import { sharedValue, type TechLookup } from './tech.js';
import { chatStartedJobs, offlineJobs } from './webhook-events.js';

// The widget's socket, `/v1/visitor?site=ID` (docs/architecture.md "Wire protocol", "Session
// lifecycle"): hello/resume with replay, messages with acks and de-duplication, typing, pages,
// info, end, offline, ping. The Origin was checked before the upgrade.

type Hello = FrameOf<VisitorToRelay, 'hello'>;

/** The visitor endpoint's handlers; `offlineLimit` is the per-address budget shared with the POST. */
export function visitorEndpoint(hub: Hub, tech: TechLookup, offlineLimit: OfflineLimiter) {
  const { store } = hub;

  function welcome(
    conn: RelayConn,
    session: Session<RelayConn>,
    resumed: boolean,
    lastSeq: number,
  ) {
    const site = conn.data.site;
    const truncated = store.truncatedAfter(session, lastSeq);
    const status = hub.statusFrame(session);
    const widget: FrameOf<RelayToVisitor, 'welcome'>['widget'] = {
      name: site.name,
      connect: site.connect,
      preChat: site.preChat,
    };
    if (site.widget.color) widget.color = site.widget.color;
    if (site.widget.position) widget.position = site.widget.position;
    if (site.widget.greeting) widget.greeting = site.widget.greeting;
    if (site.widget.theme) widget.theme = site.widget.theme;
    if (site.widget.logo) widget.logo = site.widget.logo;
    hub.send(conn, {
      t: 'welcome',
      session: session.id,
      token: resumeToken(session),
      resumed,
      truncated,
      operators: status.operators,
      online: status.online,
      agent: session.owner ? { name: session.owner.name } : null,
      widget,
    });
    hub.replay(conn, session, lastSeq);
  }

  function hello(conn: RelayConn, frame: Hello): void {
    const state = conn.data;
    const site = state.site;
    if (frame.resume !== undefined) {
      const session = store.byToken(frame.resume);
      // In a cluster, a token of another node's session moves the session here (cluster.ts).
      if (!session && hub.remote?.claim(conn, frame.resume, (s) => resume(conn, s, frame))) return;
      if (!session || session.siteId !== site.id) {
        // Unknown, expired or foreign token (SECURITY.md F3, B16): the old chat is over; never
        // pass an empty chat off as it. The socket stays open for a fresh hello.
        hub.send(conn, { t: 'ended', reason: 'unknown' });
        return;
      }
      resume(conn, session, frame);
      return;
    }
    fresh(conn, frame);
  }

  /** Attaches `conn` to a live session, welcomes it and replays what it missed. */
  function resume(conn: RelayConn, session: Session<RelayConn>, frame: Hello): void {
    const state = conn.data;
    const site = state.site;
    const previous = store.attach(session, conn);
    if (previous) {
      previous.data.session = null;
      previous.close(CLOSE_CODES.replaced, 'opened elsewhere');
    }
    disarmHandshake(conn);
    state.phase = 'ready';
    state.session = session;
    state.userAgent = '';
    recordPage(session, frame.page);
    const info = infoAfter(conn, session.info, frame.info);
    if (info) session.info = info;
    welcome(conn, session, true, frame.lastSeq ?? 0);
    if (!info) refuseIdentity(conn);
    hub.upsert(session);
    hub.logger.info({ session: session.id, site: site.id }, 'session resumed');
  }

  /** Starts a new session on `conn`. */
  function fresh(conn: RelayConn, frame: Hello): void {
    const state = conn.data;
    const site = state.site;
    const data = tech.lookup({
      ip: state.address,
      userAgent: state.userAgent,
      anonymize: site.anonymizeIp,
    });
    state.userAgent = '';
    const info = infoAfter(conn, {}, frame.info);
    const session = store.create({
      siteId: site.id,
      conn,
      page: { url: pageUrl(frame.page.url, site.keepQuery), title: frame.page.title },
      // One literal with every field: every session's tech shares one hidden class, in-object.
      tech: {
        ip: data.ip,
        country: data.country ?? '',
        city: data.city ?? '',
        browser: data.browser,
        os: data.os,
        device: data.device,
        lang: sharedValue(frame.client.lang),
        tz: sharedValue(frame.client.tz),
        screenW: frame.client.screen.w,
        screenH: frame.client.screen.h,
        referrer: frame.page.referrer ? pageUrl(frame.page.referrer, false) : '',
      },
      info: info ?? {},
    });
    if (!session) {
      hub.sendError(conn, 'limit_reached');
      hub.logger.warn({ site: site.id }, 'site session limit reached');
      conn.close(CLOSE_CODES.tryAgain, 'too many sessions');
      return;
    }
    disarmHandshake(conn);
    state.phase = 'ready';
    state.session = session;
    welcome(conn, session, false, 0);
    if (!info) refuseIdentity(conn);
    hub.upsert(session);
    hub.logger.info({ session: session.id, site: site.id }, 'session started');
  }

  // The session's info after a `hello.info` or `info` frame, past the site's identity check
  // (issue #15); null when the site refuses it (then none of it is kept).
  function infoAfter(conn: RelayConn, current: SessionInfo, info?: InfoFrame): SessionInfo | null {
    if (!info) return current;
    const outcome = checkIdentity(conn.data.site.identity, info, current.verifiedId);
    if (outcome === 'refused') return null;
    const { verifiedId: _old, ...rest } = { ...current, ...cleanInfo(info) };
    return outcome.verifiedId === undefined ? rest : { ...rest, verifiedId: outcome.verifiedId };
  }

  function refuseIdentity(conn: RelayConn): void {
    hub.counters.frameRejected('identity_refused');
    hub.sendError(conn, 'identity_refused');
  }

  function recordPage(session: Session<RelayConn>, page: { url: string; title: string }) {
    const url = pageUrl(page.url, hub.sites.get(session.siteId)?.keepQuery ?? false);
    if (!url) return;
    const last = session.pages[session.pages.length - 1];
    if (last && last.url === url && last.title === page.title) return;
    store.addPage(session, { url, title: page.title });
  }

  function offline(conn: RelayConn, frame: FrameOf<VisitorToRelay, 'offline'>): void {
    // One budget per address for the frame and the POST (issue #12.1): many sockets from one
    // address share it. The visitor is told which message was refused, and why.
    if (!offlineLimit.take(conn.data.address)) {
      hub.counters.frameRejected('offline_limited');
      hub.sendError(conn, 'offline_limited', { id: frame.id });
      return;
    }
    const site = conn.data.site;
    const session = conn.data.session;
    const last = session?.pages[session.pages.length - 1];
    const jobs = offlineJobs(
      site,
      {
        name: frame.name,
        email: frame.email,
        text: frame.text,
        ...(last ? { page: { url: last.url, title: last.title } } : {}),
      },
      session ? technicalData(session, site) : undefined,
      Date.now(),
    );
    const outcome = hub.offline(jobs);
    if (outcome === 'queued') hub.send(conn, { t: 'queued', id: frame.id });
    else hub.sendError(conn, outcome, { id: frame.id });
  }

  function ready(conn: RelayConn, session: Session<RelayConn>, frame: VisitorToRelay): void {
    switch (frame.t) {
      case 'hello':
        hub.sendError(conn, 'forbidden');
        return;
      case 'msg': {
        const { message, duplicate } = store.append(session, {
          id: frame.id,
          from: 'visitor',
          text: frame.text,
        });
        // The hot path: the ack's JSON without the frame object (protocol `ackText`).
        hub.sendText(conn, ackText(message));
        if (duplicate) return;
        if (!session.opened) {
          session.opened = true;
          hub.notify(chatStartedJobs(conn.data.site, session.id, message.at));
        }
        hub.counters.messageRouted('visitor');
        hub.visitorMessageToOperators(session, message);
        if (!session.owner && session.waitingSince === null) {
          session.waitingSince = message.at;
          hub.upsert(session);
        }
        return;
      }
      case 'typing':
        hub.toOperators(session.siteId, {
          t: 'typing',
          session: session.id,
          on: frame.on,
          from: 'visitor',
        });
        return;
      case 'page':
        recordPage(session, frame);
        hub.upsert(session, true);
        return;
      case 'info': {
        const info = infoAfter(conn, session.info, frame);
        if (!info) {
          refuseIdentity(conn);
          return;
        }
        session.info = info;
        hub.upsert(session);
        return;
      }
      case 'end':
        hub.endSession(session, 'visitor');
        return;
      case 'offline':
        offline(conn, frame);
        return;
      case 'ping':
        hub.send(conn, { t: 'pong' });
        return;
    }
  }

  return {
    open(conn: RelayConn): void {
      armHandshake(hub, conn);
    },
    message(conn: RelayConn, data: ArrayBuffer): void {
      const frame = admitFrame(hub, conn, 'visitor->relay', data);
      if (!frame) return;
      const session = conn.data.session;
      if (conn.data.phase === 'ready' && session) {
        ready(conn, session, frame);
        return;
      }
      if (frame.t === 'hello') hello(conn, frame);
      else if (frame.t === 'ping') hub.send(conn, { t: 'pong' });
      // An offline message only after hello (issue #12.1), like every other frame; not counted
      // as a bad frame (it parsed), the handshake timeout ends a socket that never says hello.
      else if (frame.t === 'offline') hub.sendError(conn, 'not_ready', { id: frame.id });
      else hub.sendError(conn, 'not_ready');
    },
    close(conn: RelayConn): void {
      disarmHandshake(conn);
      conn.data.phase = 'closed';
      const session = conn.data.session;
      conn.data.session = null;
      if (session && store.detach(session, conn) && session.state === 'detached') {
        hub.upsert(session);
      }
    },
  };
}

type InfoFrame = NonNullable<Hello['info']>;

// Only what a person typed or the site told: never `hash`, and the user id only once checked.
function cleanInfo(info: InfoFrame): SessionInfo {
  const out: SessionInfo = {};
  if (info.name) out.name = info.name;
  if (info.email) out.email = info.email;
  if (info.custom) out.custom = { ...info.custom };
  return out;
}
