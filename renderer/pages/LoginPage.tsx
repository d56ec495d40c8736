import { useState, type FormEvent } from 'react';
import { login } from '../api/session';
import { Icon } from '../components/Icon';

/**
 * Browser mode only. Most people arrive through the sign-in link the gateway prints when it
 * starts; an admin API key is the fallback for a gateway run on a server. The key is traded for
 * an HttpOnly session cookie and never stored by the page.
 */
export function LoginPage({ onLoggedIn, notice = null }: { onLoggedIn: () => void; notice?: 'link-used' | null }) {
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
          Sign in to Faxbot
        </h1>
        {notice === 'link-used' && (
          <p className="banner banner-info" role="status">
            <strong>That sign-in link has already been used or has expired.</strong> Each link opens the window once, within 10 minutes.
          </p>
        )}
        <h2>With a sign-in link</h2>
        <p>
          When Faxbot Desktop starts, it prints a sign-in link in its window or terminal, under “Open the window in a browser”. Open that
          link on this computer. Restarting Faxbot Desktop prints a new one.
        </p>
        <h2>With an admin API key</h2>
        <p className="muted">
          Only if this gateway was given one (the <span className="mono">API_KEY</span> setting, or a key with the “keys:manage”
          permission). A new install has none, so use the link above.
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
