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
import { offlineJob, technicalData } from './mail-jobs.js';
import type { OfflineLimiter } from './offline-limiter.js';
import { resumeToken, type Session, type SessionInfo } from './session-store.js';
import { sharedValue, type TechLookup } from './tech.js';

// The widget's socket, `/v1/visitor?site=ID` (DESIGN.md "The wire protocol", "Session
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
      if (!session || session.siteId !== site.id) {
        // Unknown, expired or foreign token (CHECKLIST F3, B16): the old chat is over; never
        // pass an empty chat off as it. The socket stays open for a fresh hello.
        hub.send(conn, { t: 'ended', reason: 'unknown' });
        return;
      }
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
      if (frame.info) session.info = { ...session.info, ...cleanInfo(frame.info) };
      welcome(conn, session, true, frame.lastSeq ?? 0);
      hub.upsert(session);
      hub.logger.info({ session: session.id, site: site.id }, 'session resumed');
      return;
    }
    const data = tech.lookup({
      ip: state.address,
      userAgent: state.userAgent,
      anonymize: site.anonymizeIp,
    });
    state.userAgent = '';
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
      info: cleanInfo(frame.info),
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
    hub.upsert(session);
    hub.logger.info({ session: session.id, site: site.id }, 'session started');
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
    const job = offlineJob(
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
    if (!job) {
      hub.sendError(conn, 'no_recipients', { id: frame.id });
      return;
    }
    if (hub.dispatch(job)) hub.send(conn, { t: 'queued', id: frame.id });
    else hub.sendError(conn, 'limit_reached', { id: frame.id });
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
      case 'info':
        session.info = { ...session.info, ...cleanInfo(frame) };
        hub.upsert(session);
        return;
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

type Custom = Record<string, string | number | boolean>;

function cleanInfo(
  info:
    | { name?: string | undefined; email?: string | undefined; custom?: Custom | undefined }
    | undefined,
): SessionInfo {
  const out: SessionInfo = {};
  if (!info) return out;
  if (info.name) out.name = info.name;
  if (info.email) out.email = info.email;
  if (info.custom) out.custom = { ...info.custom };
  return out;
}
