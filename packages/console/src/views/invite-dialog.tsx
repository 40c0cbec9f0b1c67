import { LIMITS } from '@conduit-chat/protocol';
import { useEffect, useRef } from 'preact/hooks';
import { Name } from './name.js';

/** The invitation text offered by default. */
export const DEFAULT_INVITE = 'Hi! Can I help you with anything?';

/** Props of `InviteDialog`. */
export interface InviteDialogProps {
  name: string;
  onSend: (text: string) => void;
  onCancel: () => void;
}

/** Asks for the text of a proactive invitation to a browsing visitor. */
export function InviteDialog({ name, onSend, onCancel }: InviteDialogProps) {
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);
  const submit = (e: Event) => {
    e.preventDefault();
    const text = field.current?.value.trim() ?? '';
    if (text) onSend(text);
  };
  return (
    <div class="backdrop">
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="invite-title"
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      >
        <h2 id="invite-title">
          Invite <Name>{name}</Name> to chat
        </h2>
        <form onSubmit={submit}>
          <label>
            Invitation
            <textarea
              ref={field}
              name="text"
              rows={3}
              maxLength={LIMITS.textChars}
              defaultValue={DEFAULT_INVITE}
            />
          </label>
          <div class="row">
            <button type="submit" class="primary">
              Send invitation
            </button>
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
