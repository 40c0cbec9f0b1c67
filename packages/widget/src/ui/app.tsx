import { Component, createRef } from 'preact';
import { fill } from '../i18n.js';
import { type ContactErrors, type ContactInput, validateContact } from '../validate.js';
import { Composer } from './composer.js';
import { ContactForm } from './contact-form.js';
import { Launcher } from './launcher.js';
import { MessageList } from './message-list.js';
import { Notice, type NoticeButton } from './notice.js';
import type { ViewProps } from './types.js';

/** The body the panel shows. */
export type View = 'confirm' | 'ended' | 'offline' | 'prechat' | 'chat';

interface UiState {
  confirm: boolean;
  errors: ContactErrors;
  length: number;
}

/** Which body the panel shows for this state. */
export function viewOf(p: ViewProps, confirm: boolean): View {
  const s = p.state;
  const started = s.messages.some((m) => m.from === 'visitor');
  if (s.ended) return 'ended';
  if (confirm) return 'confirm';
  if (s.offline === 'sent' || (s.online === false && !started)) return 'offline';
  return p.preChat !== 'off' && !p.preChatDone && !started ? 'prechat' : 'chat';
}

/**
 * The whole widget UI: launcher, and when open the panel (a dialog) with header, toolbar
 * and one view. Owns only UI state (confirmation, form errors, draft length) and focus:
 * a new view focuses its first control; Escape or close returns focus to the launcher.
 */
export class App extends Component<ViewProps, UiState> {
  override state: UiState = { confirm: false, errors: {}, length: 0 };
  #root = createRef<HTMLDivElement>();
  #refocus = false;
  #shown: View | null = null;

  override componentDidUpdate() {
    const find = (q: string) => this.#root.current?.querySelector<HTMLElement>(q);
    const view = this.props.state.open ? viewOf(this.props, this.state.confirm) : null;
    if (view && view !== this.#shown) (find('.f input,.f button,textarea') ?? find('.ib'))?.focus();
    if (!view && this.#refocus) find('.l')?.focus();
    this.#shown = view;
    this.#refocus = false;
    const list = find('.m');
    if (list) list.scrollTop = list.scrollHeight;
  }

  #close = () => {
    this.#refocus = true;
    this.#confirm(false);
    this.props.actions.close();
  };

  #confirm = (confirm: boolean) => this.setState({ confirm });

  // Validates a contact form; its value when valid, else null (the errors show).
  #contact(values: ContactInput, required: (keyof ContactInput)[]) {
    const { errors, value } = validateContact(values, required);
    this.setState({ errors });
    return Object.keys(errors).length ? null : value;
  }

  override render() {
    const p = this.props;
    const { state: s, t, actions } = p;
    const view = viewOf(p, this.state.confirm);
    const status = s.agent ?? (s.online === null ? '' : s.online ? t.online : t.away);
    return (
      <div class="w" ref={this.#root}>
        {s.open && (
          <div
            class="p"
            part="panel"
            lang={p.lang}
            dir={p.dir}
            role="dialog"
            aria-label={p.title}
            onKeyDown={(e) => {
              if (e.key !== 'Escape') return;
              e.stopPropagation();
              if (this.state.confirm) this.#confirm(false);
              else this.#close();
            }}
          >
            <div class="h">
              {p.logo && (
                // Decorative: the team's name is the heading beside it. No referrer for the
                // image host; a strict CSP names the host in img-src.
                <img
                  class="lg"
                  src={p.logo}
                  alt=""
                  width={32}
                  height={32}
                  referrerpolicy="no-referrer"
                />
              )}
              <div class="g">
                <h2>
                  <bdi>{p.title}</bdi>
                </h2>
                <p>
                  <bdi>{status}</bdi>
                </p>
              </div>
              <button type="button" class="ib" aria-label={t.hide} onClick={this.#close}>
                <svg viewBox="0 0 24 24" aria-hidden="true">
                  <path d="M5 12h14" />
                </svg>
              </button>
            </div>
            {view === 'chat' && s.messages.length > 0 && (
              <div class="tb">
                <button type="button" class="lk" onClick={actions.download}>
                  {t.download}
                </button>
                <button type="button" class="lk" onClick={() => this.#confirm(true)}>
                  {t.end}
                </button>
                <button
                  type="button"
                  class="lk"
                  aria-pressed={p.sound ? 'true' : 'false'}
                  onClick={() => actions.sound(!p.sound)}
                >
                  {t.sound}
                </button>
              </div>
            )}
            {this.#body(view)}
          </div>
        )}
        {p.launcher && (
          <Launcher
            t={t}
            open={s.open}
            unread={s.unread}
            onClick={s.open ? this.#close : actions.open}
          />
        )}
      </div>
    );
  }

  #body(view: View) {
    const p = this.props;
    const { state: s, t, actions } = p;
    const { errors } = this.state;
    if (view === 'ended') {
      const buttons: NoticeButton[] = [[t.newChat, actions.restart, true]];
      if (s.messages.length) buttons.unshift([t.download, actions.download]);
      return <Notice text={t.ended} buttons={buttons} />;
    }
    if (view === 'confirm') {
      return (
        <Notice
          alert
          text={t.confirm}
          buttons={[
            [
              t.end,
              () => {
                this.#confirm(false);
                actions.end();
              },
              true,
            ],
            [t.cancel, () => this.#confirm(false)],
          ]}
        />
      );
    }
    if (view === 'offline') {
      if (s.offline === 'sent') return <Notice text={t.thanks} />;
      return (
        <ContactForm
          t={t}
          errors={errors}
          fields={['name', 'email', 'text']}
          intro={t.offline}
          // Refused by the relay (issue #12.1): the form stays filled in, and says why.
          alert={s.error && (s.error === 'offline_limited' ? t.later : t.refused)}
          submit={s.offline ? t.sending : t.leave}
          onSubmit={(values) => {
            const value = !s.offline && this.#contact(values, ['name', 'email', 'text']);
            if (value) actions.offline(value);
          }}
        />
      );
    }
    if (view === 'prechat') {
      const required = p.preChat === 'required';
      return (
        <ContactForm
          t={t}
          errors={errors}
          fields={['name', 'email']}
          optional={!required}
          submit={t.start}
          onSubmit={(values) => {
            const value = this.#contact(values, required ? ['name', 'email'] : []);
            if (value) actions.preChat(value);
          }}
          onSkip={required ? undefined : () => actions.preChat(null)}
        />
      );
    }
    const note =
      s.conn === 'reconnecting' || s.conn === 'connecting'
        ? t[s.conn]
        : s.idleReason
          ? t[s.idleReason]
          : s.error
            ? t.refused
            : s.typing !== null
              ? fill(t.typing, s.typing || s.agent || t.chat)
              : '';
    return (
      <>
        <MessageList {...p} />
        <div class="x" role="status">
          {note}{' '}
          {s.idleReason && s.idleReason !== 'unavailable' && (
            <button type="button" class="lk" onClick={actions.retry}>
              {t.retry}
            </button>
          )}
        </div>
        <Composer
          t={t}
          length={this.state.length}
          onInput={(length) => {
            this.setState({ length });
            actions.typing();
          }}
          onSend={(text) => {
            actions.send(text);
            this.setState({ length: 0 });
          }}
        />
      </>
    );
  }
}
