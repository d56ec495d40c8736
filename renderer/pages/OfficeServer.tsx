import { useState, type FormEvent } from 'react';
import type { RemoteStatus } from '../../shared/types';
import { errorMessage } from '../api/client';
import { useInvoke } from '../api/hooks';
import { href } from '../lib/route';

/** After switching gateways every screen must refetch from the new one: start the window afresh on Send. */
function reopenOnSend(): void {
  window.location.hash = href('send');
  window.location.reload();
}

/**
 * "Connect to the office server": its address and this person's own API key, checked live by
 * the gateway (reachable, https unless on this computer, a valid key with a window's scopes).
 */
export function OfficeServerForm({ initialUrl = '' }: { initialUrl?: string }) {
  const invoke = useInvoke();
  const [url, setUrl] = useState(initialUrl);
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function connect(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await invoke('remote:connect', { url, apiKey });
      reopenOnSend();
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  return (
    <form className="office-server-form" onSubmit={(e) => void connect(e)}>
      <p className="muted">
        Faxes, the inbox, contacts and the fax service then live on the office server; this window shows them and sends with your own key,
        so Jobs can tell who sent each fax. Your administrator gives you the address and a key (API keys page on the server).
      </p>
      <div className="field">
        <label htmlFor="office-url">Office server address</label>
        <input
          id="office-url"
          type="url"
          required
          placeholder="https://fax.example.com"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <p className="field-help">https:// is required, except for a server on this computer.</p>
      </div>
      <div className="field">
        <label htmlFor="office-key">Your API key</label>
        <input
          id="office-key"
          type="password"
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="fbk_live_…"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
        />
        <p className="field-help">Kept in this computer’s keychain; it needs fax:send, fax:read, inbound:list and inbound:read.</p>
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Checking…' : 'Check and connect'}
      </button>
      {error && (
        <p className="field-error" role="alert" data-testid="office-error">
          {error}
        </p>
      )}
    </form>
  );
}

/** Which office server this window uses, as whom, and the way back to this computer's own gateway. */
export function OfficeServerCard({ remote }: { remote: RemoteStatus }) {
  const invoke = useInvoke();
  const [error, setError] = useState<string | null>(null);

  async function useThisComputer() {
    try {
      await invoke('remote:disconnect', {});
      reopenOnSend();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <section className="card" aria-labelledby="office-server-heading" data-testid="office-server-card">
      <h2 id="office-server-heading">Office server</h2>
      <p>
        Connected to <strong data-testid="office-server-name">{remote.serverName}</strong>
        {remote.keyName || remote.keyId ? (
          <>
            {' '}
            as <strong>{remote.keyName ?? remote.keyId}</strong>
          </>
        ) : null}
        .
      </p>
      <p className="muted">
        Managed by the office server: the fax service, its credentials, retries, security and retention are set there by your administrator.
      </p>
      {remote.problem && (
        <p className="field-error" role="alert">
          {remote.problem}
        </p>
      )}
      <div className="actions">
        <a className="button" href={href('setup')}>
          Connect with another key
        </a>
        <button type="button" onClick={() => void useThisComputer()}>
          Use this computer instead
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
