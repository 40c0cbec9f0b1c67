import type { VisitorSnapshot } from '@conduit-chat/protocol';
import { useState } from 'preact/hooks';
import { duration, pagePath, referrerLabel, stateLabel, visitorName } from '../format.js';
import type { Person } from '../store.js';
import { Name } from './name.js';
import { VerifiedBadge } from './verified-badge.js';

/** Columns the table sorts by. */
export type SortKey =
  | 'name'
  | 'state'
  | 'page'
  | 'pages'
  | 'time'
  | 'browser'
  | 'country'
  | 'referrer';

/** Props of `VisitorTable`. */
export interface VisitorTableProps {
  visitors: VisitorSnapshot[];
  me: Person | null;
  now: number;
  /** Sessions invited from this console (shown as "Invited"). */
  invited: ReadonlySet<string>;
  /** Sessions whose visitor is typing right now. */
  typing: ReadonlySet<string>;
  onInvite: (session: string) => void;
  onAccept: (session: string) => void;
  onOpen: (session: string) => void;
}

const STATE_ORDER: Record<VisitorSnapshot['state'], number> = {
  waiting: 0,
  chatting: 1,
  browsing: 2,
  detached: 3,
};

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Visitor' },
  { key: 'state', label: 'State' },
  { key: 'page', label: 'Current page' },
  { key: 'pages', label: 'Pages' },
  { key: 'time', label: 'On site' },
  { key: 'browser', label: 'Browser / OS / device' },
  { key: 'country', label: 'Country' },
  { key: 'referrer', label: 'Referrer' },
];

function sortValue(v: VisitorSnapshot, key: SortKey, now: number): string | number {
  switch (key) {
    case 'name':
      return visitorName(v, v.session).toLowerCase();
    case 'state':
      return STATE_ORDER[v.state];
    case 'page':
      return (v.page.title || pagePath(v.page.url)).toLowerCase();
    case 'pages':
      return v.pages.length;
    case 'time':
      return now - v.startedAt;
    case 'browser':
      return `${v.browser} ${v.os} ${v.device}`.toLowerCase();
    case 'country':
      return (v.country ?? '').toLowerCase();
    case 'referrer':
      return referrerLabel(v.referrer).toLowerCase();
  }
}

/** The live visitors of the site, one row each, sortable by every column. */
export function VisitorTable(props: VisitorTableProps) {
  const { visitors, now } = props;
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'time', dir: 1 });
  const rows = [...visitors].sort((a, b) => {
    const x = sortValue(a, sort.key, now);
    const y = sortValue(b, sort.key, now);
    const c = x < y ? -1 : x > y ? 1 : a.session < b.session ? -1 : 1;
    return c * sort.dir;
  });
  const toggle = (key: SortKey) =>
    setSort((s) => (s.key === key ? { key, dir: s.dir === 1 ? -1 : 1 } : { key, dir: 1 }));

  return (
    <section class="visitors" aria-labelledby="visitors-title">
      <h2 id="visitors-title">
        Live visitors <span class="count">{visitors.length}</span>
      </h2>
      {visitors.length === 0 ? (
        <p class="empty">No visitors on the site right now.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th
                    key={c.key}
                    scope="col"
                    aria-sort={
                      sort.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'
                    }
                  >
                    <button type="button" class="sort" onClick={() => toggle(c.key)}>
                      {c.label}
                    </button>
                  </th>
                ))}
                <th scope="col">Info</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((v) => (
                <VisitorRow key={v.session} v={v} {...props} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function VisitorRow(props: VisitorTableProps & { v: VisitorSnapshot }) {
  const { v, now, me, invited } = props;
  const name = visitorName(v, v.session);
  const custom = Object.entries(v.custom ?? {});
  return (
    <tr data-session={v.session} class={`state-${v.state}`}>
      <td>
        <Name>{name}</Name>
        <VerifiedBadge v={v} />
        <span class="sub">{v.lang}</span>
      </td>
      <td>
        <span class={`pill ${v.state}`}>{stateLabel(v.state)}</span>
        {v.state === 'chatting' && v.owner && (
          <>
            {' '}
            <Name>{v.owner.id === me?.id ? 'you' : v.owner.name}</Name>
          </>
        )}
        {v.state === 'waiting' && v.waitingSince !== null && (
          <span class="sub">for {duration(now - v.waitingSince)}</span>
        )}
        {props.typing.has(v.session) && <span class="sub">typing…</span>}
      </td>
      <td class="page">
        <bdi class="title">{v.page.title || 'Untitled page'}</bdi>
        <span class="sub">{pagePath(v.page.url)}</span>
      </td>
      <td class="num">{v.pages.length}</td>
      <td class="num">{duration(now - v.startedAt)}</td>
      <td>
        {v.browser} · {v.os} · {v.device}
      </td>
      <td>{[v.country, v.city].filter(Boolean).join(', ') || 'unknown'}</td>
      <td>
        <bdi>{referrerLabel(v.referrer)}</bdi>
      </td>
      <td class="info">
        {v.email && <span class="kv">{v.email}</span>}
        {custom.map(([k, val]) => (
          <span class="kv" key={k}>
            {k}: <bdi>{String(val)}</bdi>
          </span>
        ))}
      </td>
      <td class="actions">
        {v.state === 'browsing' &&
          (v.invited ? (
            <span class="sub">
              Invited by <Name>{v.invited.name}</Name>
            </span>
          ) : invited.has(v.session) ? (
            <span class="sub">Invited</span>
          ) : (
            <button type="button" onClick={() => props.onInvite(v.session)}>
              Invite
            </button>
          ))}
        {v.state === 'waiting' && (
          <button type="button" class="primary" onClick={() => props.onAccept(v.session)}>
            Accept
          </button>
        )}
        {(v.state === 'chatting' || (v.state === 'detached' && v.lastSeq > 0)) && (
          <button type="button" onClick={() => props.onOpen(v.session)}>
            Open
          </button>
        )}
      </td>
    </tr>
  );
}
