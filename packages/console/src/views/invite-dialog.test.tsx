import { afterEach, describe, expect, it } from 'vitest';
import { click, type Mounted, mount, press, submit, typeInto } from '../test-dom.js';
import { DEFAULT_INVITE, InviteDialog } from './invite-dialog.js';

describe('InviteDialog', () => {
  let m: Mounted | undefined;
  afterEach(() => m?.unmount());

  it('offers a default invitation and sends the edited text', () => {
    const sent: string[] = [];
    m = mount(<InviteDialog name="Eve" onSend={(t) => sent.push(t)} onCancel={() => {}} />);
    const field = m.root.querySelector('textarea') as HTMLTextAreaElement;
    expect(field.value).toBe(DEFAULT_INVITE);
    expect(m.root.querySelector('[role=dialog]')?.getAttribute('aria-modal')).toBe('true');
    expect(m.root.querySelector('h2 bdi')?.textContent).toBe('Eve');
    typeInto(field, '  Need help choosing a tea?  ');
    submit(m.root.querySelector('form'));
    expect(sent).toEqual(['Need help choosing a tea?']);
  });

  it('cancels with the button and with Escape', () => {
    let cancelled = 0;
    m = mount(<InviteDialog name="Eve" onSend={() => {}} onCancel={() => cancelled++} />);
    click([...m.root.querySelectorAll('button')].find((b) => b.textContent === 'Cancel'));
    press(m.root.querySelector('textarea'), 'Escape');
    expect(cancelled).toBe(2);
  });
});
