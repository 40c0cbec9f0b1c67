import { afterEach, describe, expect, it } from 'vitest';
import { type Mounted, mount, submit, typeInto } from '../test-dom.js';
import { LoginView } from './login-view.js';

describe('LoginView', () => {
  let m: Mounted | undefined;
  afterEach(() => m?.unmount());

  it('submits the trimmed site id and key', () => {
    const calls: [string, string][] = [];
    m = mount(
      <LoginView site="" error={null} busy={false} onLogin={(s, k) => calls.push([s, k])} />,
    );
    typeInto(m.root.querySelector('input[name=site]'), ' acme ');
    typeInto(m.root.querySelector('input[name=key]'), ' secret-key ');
    submit(m.root.querySelector('form'));
    expect(calls).toEqual([['acme', 'secret-key']]);
    expect(m.root.querySelector('input[name=key]')?.getAttribute('type')).toBe('password');
  });

  it('does not submit with an empty field', () => {
    const calls: unknown[] = [];
    m = mount(<LoginView site="acme" error={null} busy={false} onLogin={() => calls.push(1)} />);
    submit(m.root.querySelector('form'));
    expect(calls).toEqual([]);
    expect((m.root.querySelector('input[name=site]') as HTMLInputElement).value).toBe('acme');
  });

  it('shows the error as an alert and a busy button while signing in', () => {
    m = mount(
      <LoginView site="acme" error="Site or key not recognised." busy={true} onLogin={() => {}} />,
    );
    expect(m.root.querySelector('[role=alert]')?.textContent).toBe('Site or key not recognised.');
    const button = m.root.querySelector('button[type=submit]') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.textContent).toBe('Signing in…');
  });
});
