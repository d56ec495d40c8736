import { useState, type FormEvent } from 'react';
import { login } from '../api/session';
import { Icon } from '../components/Icon';

/** Browser mode only: trade an admin API key for an HttpOnly session cookie. */
export function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await login(apiKey.trim());
    setBusy(false);
    if (result.ok) {
      setApiKey('');
      onLoggedIn();
    } else {
      setError(result.message);
    }
  }

  return (
    <main className="login" id="main">
      <form className="card login-card" onSubmit={(e) => void submit(e)}>
        <h1>
          <span className="brand-mark">
            <Icon name="fax" size={22} />
          </span>
          Faxbot
        </h1>
        <p className="muted">
          Open the sign-in link printed by the gateway, or enter an admin API key. The key is exchanged for a session and is not stored in
          this browser.
        </p>
        <label htmlFor="login-key">Admin API key</label>
        <input
          id="login-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="fbk_live_…"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'login-error' : undefined}
          required
        />
        {error && (
          <p id="login-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || apiKey.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
