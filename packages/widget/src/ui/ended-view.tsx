import type { Strings } from '../i18n.js';

/** After the chat ended: say so, offer the transcript and a new chat. */
export function EndedView(props: {
  t: Strings;
  canDownload: boolean;
  onDownload: () => void;
  onRestart: () => void;
}) {
  const { t } = props;
  return (
    <div class="f">
      <p role="status">{t.ended}</p>
      <div class="r">
        {props.canDownload && (
          <button type="button" class="sb" onClick={props.onDownload}>
            {t.download}
          </button>
        )}
        <button type="button" class="pb" onClick={props.onRestart}>
          {t.newChat}
        </button>
      </div>
    </div>
  );
}

/** "End this chat?" with End / Cancel; Escape cancels. */
export function ConfirmEnd(props: { t: Strings; onEnd: () => void; onCancel: () => void }) {
  const { t } = props;
  return (
    <div class="f" role="alertdialog" aria-labelledby="ce" aria-modal="false">
      <p id="ce">{t.endConfirm}</p>
      <div class="r">
        <button type="button" class="pb" onClick={props.onEnd}>
          {t.end}
        </button>
        <button type="button" class="sb" onClick={props.onCancel}>
          {t.cancel}
        </button>
      </div>
    </div>
  );
}
