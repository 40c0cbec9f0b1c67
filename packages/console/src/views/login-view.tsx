import { LIMITS } from '@conduit-chat/protocol';

/** Props of `LoginView`. */
export interface LoginViewProps {
  site: string;
  error: string | null;
  busy: boolean;
  onLogin: (site: string, key: string) => void;
}

/** The sign-in form: site id and operator key (the key is kept in this tab only). */
export function LoginView({ site, error, busy, onLogin }: LoginViewProps) {
  const submit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const s = String(data.get('site') ?? '').trim();
    const k = String(data.get('key') ?? '').trim();
    if (s && k) onLogin(s, k);
  };
  return (
    <main class="login">
      <form class="login-form" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Conduit console</h1>
        <p>Sign in with your site id and operator key.</p>
        <label>
          Site id
          <input
            name="site"
            autocomplete="username"
            required
            maxLength={LIMITS.tokenChars}
            defaultValue={site}
          />
        </label>
        <label>
          Operator key
          <input
            name="key"
            type="password"
            autocomplete="current-password"
            required
            maxLength={LIMITS.keyChars}
          />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="hint">
          Your key stays in this browser tab only and is forgotten when you log out or close the
          tab.
        </p>
      </form>
    </main>
  );
}
