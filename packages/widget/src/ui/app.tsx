import { cleanText, LIMITS } from '@conduit-chat/protocol';
import { Component, createRef } from 'preact';
import type { StringKey } from '../i18n.js';
import { fill } from '../i18n.js';
import { type ContactErrors, type ContactInput, validateContact } from '../validate.js';
import { Composer } from './composer.js';
import { ConfirmEnd, EndedView } from './ended-view.js';
import { Launcher } from './launcher.js';
import { MessageList } from './message-list.js';
import { OfflineForm } from './offline-form.js';
import { PreChatForm } from './pre-chat-form.js';
import type { ViewProps } from './types.js';

type View = 'confirm' | 'ended' | 'offline' | 'prechat' | 'chat';

interface UiState {
  confirm: boolean;
  errors: ContactErrors;
  length: number;
}

/** Which body the panel shows for this state. */
export function viewOf(p: ViewProps, confirm: boolean): View {
  const s = p.state;
  if (s.ended) return 'ended';
  if (confirm) return 'confirm';
  const started = s.messages.some((m) => m.from === 'visitor');
  if (s.offline === 'sent' || (s.online === false && !started)) return 'offline';
  if (p.preChat !== 'off' && !p.preChatDone && !started) return 'prechat';
  return 'chat';
}

/**
 * The whole widget UI: launcher, and when open the panel (a dialog) with header, toolbar
 * and one of the views. Owns only UI state (confirmation, form errors, draft length) and
 * focus: opening focuses the first field, Escape or close returns focus to the launcher.
 */
export class App extends Component<ViewProps, UiState> {
  override state: UiState = { confirm: false, errors: {}, length: 0 };
  private readonly launcher = createRef<HTMLButtonElement>();
  private readonly panel = createRef<HTMLDivElement>();
  private readonly list = createRef<HTMLDivElement>();
  private readonly input = createRef<HTMLTextAreaElement>();
  private refocus = false;
  private shown: View | null = null;

  override componentDidUpdate(prev: ViewProps) {
    const open = this.props.state.open;
    const view = open ? viewOf(this.props, this.state.confirm) : null;
    if (view && view !== this.shown) {
      this.shown = view;
      const first = this.panel.current?.querySelector<HTMLElement>('.f input, .f button, textarea');
      (first ?? this.panel.current?.querySelector<HTMLElement>('.ib'))?.focus();
    }
    if (!open) this.shown = null;
    if (!open && this.refocus) {
      this.refocus = false;
      this.launcher.current?.focus();
    }
    if (prev.state.messages.length !== this.props.state.messages.length && this.list.current) {
      this.list.current.scrollTop = this.list.current.scrollHeight;
    }
  }

  private close = () => {
    this.refocus = true;
    this.setState({ confirm: false });
    this.props.actions.close();
  };

  private toggle = () => (this.props.state.open ? this.close() : this.props.actions.open());

  private keyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    if (this.state.confirm) this.setState({ confirm: false });
    else this.close();
  };

  private submit = () => {
    const box = this.input.current;
    if (!box) return;
    const text = cleanText(box.value);
    if (!text || box.value.length > LIMITS.textChars) return;
    this.props.actions.send(text);
    box.value = '';
    this.setState({ length: 0 });
  };

  private contact(values: Record<string, string>, required: (keyof ContactInput)[]) {
    const input: ContactInput = { name: values.name ?? '', email: values.email ?? '' };
    if (values.text !== undefined) input.text = values.text;
    const { errors, value } = validateContact(input, required);
    this.setState({ errors });
    return Object.keys(errors).length ? null : value;
  }

  private status(): string {
    const { state: s, t } = this.props;
    if (s.conn === 'reconnecting') return t.reconnecting;
    if (s.conn === 'connecting') return t.connecting;
    if (s.idleReason) return t[s.idleReason];
    if (s.error) return s.error === 'rate_limited' ? t.limit : t.refused;
    if (s.typing !== null) return fill(t.typing, { name: s.typing || t.someone });
    return '';
  }

  override render() {
    const p = this.props;
    const { state: s, t, actions } = p;
    const view = viewOf(p, this.state.confirm);
    const chatting = s.messages.length > 0 && !s.ended;
    const status = s.agent ?? (s.online === null ? '' : s.online ? t.online : t.away);
    return (
      <div class="w">
        {s.open && (
          <div
            class="p"
            part="panel"
            role="dialog"
            aria-label={p.title}
            ref={this.panel}
            onKeyDown={this.keyDown}
          >
            <div class="h">
              <div class="g">
                <h2>
                  <bdi>{p.title}</bdi>
                </h2>
                {status && (
                  <p>
                    <bdi>{status}</bdi>
                  </p>
                )}
              </div>
              <button type="button" class="ib" aria-label={t.minimize} onClick={this.close}>
                <svg viewBox="0 0 24 24" aria-hidden="true">
                  <path d="M5 11h14v2H5z" />
                </svg>
              </button>
            </div>
            {chatting && view === 'chat' && (
              <div class="tb">
                <button type="button" class="lk" onClick={actions.download}>
                  {t.download}
                </button>
                <button type="button" class="lk" onClick={() => this.setState({ confirm: true })}>
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
            {this.body(view)}
          </div>
        )}
        <Launcher
          t={t}
          open={s.open}
          unread={s.unread}
          buttonRef={this.launcher}
          onClick={this.toggle}
        />
      </div>
    );
  }

  private body(view: View) {
    const p = this.props;
    const { state: s, t, actions } = p;
    const { errors } = this.state;
    switch (view) {
      case 'ended':
        return (
          <EndedView
            t={t}
            canDownload={s.messages.length > 0}
            onDownload={actions.download}
            onRestart={actions.restart}
          />
        );
      case 'confirm':
        return (
          <ConfirmEnd
            t={t}
            onEnd={() => {
              this.setState({ confirm: false });
              actions.end();
            }}
            onCancel={() => this.setState({ confirm: false })}
          />
        );
      case 'offline':
        return (
          <OfflineForm
            t={t}
            errors={errors}
            sent={s.offline === 'sent'}
            busy={s.offline !== null}
            onSubmit={(values) => {
              const value = this.contact(values, ['name', 'email', 'text']);
              if (value) actions.offline(value);
            }}
          />
        );
      case 'prechat': {
        const required = p.preChat === 'required';
        return (
          <PreChatForm
            t={t}
            errors={errors}
            required={required}
            onSubmit={(values) => {
              const value = this.contact(values, required ? ['name', 'email'] : []);
              if (value) actions.preChat(value);
            }}
            onSkip={() => actions.preChat(null)}
          />
        );
      }
      case 'chat': {
        const status = this.status();
        return (
          <>
            <MessageList
              messages={s.messages}
              greeting={p.greeting}
              truncated={s.truncated}
              t={t}
              locale={p.locale}
              listRef={this.list}
            />
            <div class="x" role="status">
              {status}
              {s.idleReason && (
                <>
                  {' '}
                  <button type="button" class="lk" onClick={actions.retry}>
                    {t.retry}
                  </button>
                </>
              )}
            </div>
            <Composer
              t={t}
              length={this.state.length}
              inputRef={this.input}
              onInput={(length) => {
                this.setState({ length });
                actions.typing();
              }}
              onSubmit={this.submit}
            />
          </>
        );
      }
    }
  }
}

/** Keys used for system notices in the message list. */
export type NoticeKey = Extract<StringKey, 'lost'>;
