/** A button of a notice: label, action, primary or not. */
export type NoticeButton = [label: string, onClick: () => void, primary?: boolean];

/**
 * A short text with buttons: the end-of-chat view, the "End this chat?" confirmation (an
 * alert dialog, `alert`), the offline thank-you.
 */
export function Notice(props: { text: string; alert?: boolean; buttons?: NoticeButton[] }) {
  const text = <p id="nt">{props.text}</p>;
  const buttons = (
    <div class="r">
      {props.buttons?.map(([label, onClick, primary]) => (
        <button key={label} type="button" class={primary ? 'pb' : 'sb'} onClick={onClick}>
          {label}
        </button>
      ))}
    </div>
  );
  return props.alert ? (
    <div class="f" role="alertdialog" aria-labelledby="nt">
      {text}
      {buttons}
    </div>
  ) : (
    <div class="f" role="status">
      {text}
      {buttons}
    </div>
  );
}
