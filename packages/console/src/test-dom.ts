import { type ComponentChild, render } from 'preact';
import { act } from 'preact/test-utils';

/** A component rendered into the document for a test. */
export interface Mounted {
  root: HTMLElement;
  /** Renders a new tree into the same root (props changed). */
  update(vnode: ComponentChild): void;
  unmount(): void;
}

/** Renders `vnode` into a fresh element in the document. */
export function mount(vnode: ComponentChild): Mounted {
  const root = document.createElement('div');
  document.body.append(root);
  act(() => render(vnode, root));
  return {
    root,
    update: (next) => act(() => render(next, root)),
    unmount() {
      act(() => render(null, root));
      root.remove();
    },
  };
}

/** Clicks an element as a user would. */
export function click(el: Element | null | undefined): void {
  if (!el) throw new Error('nothing to click');
  act(() => {
    (el as HTMLElement).click();
  });
}

/** Types `value` into a field (replacing its content) and fires `input`. */
export function typeInto(el: Element | null | undefined, value: string): void {
  const field = el as HTMLInputElement | HTMLTextAreaElement | null;
  if (!field) throw new Error('no field');
  act(() => {
    field.value = value;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** Presses a key on an element; returns whether the default action was prevented. */
export function press(el: Element | null | undefined, key: string, init: KeyboardEventInit = {}) {
  if (!el) throw new Error('nothing to press on');
  const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  act(() => {
    el.dispatchEvent(e);
  });
  return e.defaultPrevented;
}

/** Submits a form as pressing its submit button would. */
export function submit(form: Element | null | undefined): void {
  if (!form) throw new Error('no form');
  act(() => {
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
}

/** The first element matching `selector` whose text contains `text`. */
export function byText(root: ParentNode, selector: string, text: string): HTMLElement {
  const el = [...root.querySelectorAll<HTMLElement>(selector)].find((e) =>
    e.textContent?.includes(text),
  );
  if (!el) throw new Error(`no ${selector} with text "${text}"`);
  return el;
}
