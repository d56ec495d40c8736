import { useState, type FormEvent } from 'react';
import { SCOPES, type ApiKeyView, type CreatedApiKey } from '../../shared/types';
import { errorMessage } from '../api/client';
import { useCall, useEvent, useInvoke } from '../api/hooks';
import { CopyButton } from '../components/CopyButton';
import { formatWhen } from '../lib/format';

const SCOPE_HELP: Record<(typeof SCOPES)[number], string> = {
  'fax:send': 'send faxes',
  'fax:read': 'read fax status',
  'inbound:list': 'list received faxes',
  'inbound:read': 'open received faxes',
  'keys:manage': 'manage keys and settings (admin)',
};

export function KeysPage() {
  const invoke = useInvoke();
  const keys = useCall('keys:list', {});
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ token: string; title: string } | null>(null);
  const [confirm, setConfirm] = useState<{ keyId: string; action: 'revoke' | 'rotate' } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEvent('keys:changed', keys.reload);

  function reveal(created: CreatedApiKey, title: string) {
    setShown({ token: created.token, title });
    keys.reload();
  }

  async function confirmAction() {
    if (!confirm) return;
    setError(null);
    try {
      if (confirm.action === 'revoke') {
        await invoke('keys:revoke', { keyId: confirm.keyId });
        keys.reload();
      } else {
        reveal(await invoke('keys:rotate', { keyId: confirm.keyId }), 'Key rotated: the old token no longer works');
      }
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setConfirm(null);
    }
  }

  const list = keys.data ?? [];
  const active = list.filter((k) => !k.revokedAt);
  const revoked = list.filter((k) => k.revokedAt);

  return (
    <div className="page keys">
      <div className="page-head">
        <h1>API keys</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)} disabled={creating}>
          Create key
        </button>
      </div>
      <p className="muted">Keys let scripts and other programs use the Faxbot API. A key's token is shown once, when it is made.</p>

      {shown && (
        <div className="card token-card" role="alert" data-testid="token-card">
          <h2>{shown.title}</h2>
          <p>Copy this token now. It will not be shown again.</p>
          <div className="copy-row">
            <input
              readOnly
              value={shown.token}
              aria-label="New API token"
              className="mono"
              data-testid="new-token"
              onFocus={(e) => e.target.select()}
            />
            <CopyButton text={shown.token} label="Copy token" />
          </div>
          <button type="button" className="primary" onClick={() => setShown(null)}>
            Done, I saved it
          </button>
        </div>
      )}

      {creating && (
        <CreateKeyForm
          onCancel={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            reveal(created, 'Key created');
          }}
        />
      )}

      {(error ?? keys.error) && (
        <p className="banner banner-error" role="alert">
          {error ?? keys.error}
        </p>
      )}

      <KeyTable
        title="Active keys"
        keys={active}
        empty="No API keys yet."
        confirm={confirm}
        onAsk={setConfirm}
        onConfirm={() => void confirmAction()}
        onCancel={() => setConfirm(null)}
      />
      {revoked.length > 0 && (
        <KeyTable
          title="Revoked keys"
          keys={revoked}
          empty=""
          confirm={null}
          onAsk={setConfirm}
          onConfirm={() => undefined}
          onCancel={() => undefined}
        />
      )}
    </div>
  );
}

function KeyTable(props: {
  title: string;
  keys: ApiKeyView[];
  empty: string;
  confirm: { keyId: string; action: 'revoke' | 'rotate' } | null;
  onAsk: (c: { keyId: string; action: 'revoke' | 'rotate' }) => void;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <section className="card">
      <h2>{props.title}</h2>
      {props.keys.length === 0 ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key id</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.keys.map((key) => (
                <tr key={key.keyId} data-testid="key-row" data-key-id={key.keyId}>
                  <td>
                    {key.name ?? <span className="muted">unnamed</span>}
                    {key.owner && <span className="muted small"> · {key.owner}</span>}
                    {key.revokedAt && <span className="chip chip-neutral">Revoked {formatWhen(key.revokedAt)}</span>}
                  </td>
                  <td className="mono">{key.keyId}</td>
                  <td>
                    <span className="scope-list">
                      {key.scopes.map((s) => (
                        <span key={s} className="scope">
                          {s}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td>{key.lastUsedAt ? formatWhen(key.lastUsedAt) : 'never'}</td>
                  <td>{key.expiresAt ? formatWhen(key.expiresAt) : 'never'}</td>
                  <td className="row-actions">
                    {key.revokedAt ? null : props.confirm?.keyId === key.keyId ? (
                      <span className="confirm">
                        <span>
                          {props.confirm.action === 'revoke'
                            ? 'Programs using it stop working. Revoke?'
                            : 'The old token stops working. Rotate?'}
                        </span>
                        <button type="button" className="danger" onClick={props.onConfirm}>
                          {props.confirm.action === 'revoke' ? 'Revoke' : 'Rotate'}
                        </button>
                        <button type="button" onClick={props.onCancel}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <>
                        <button
                          type="button"
                          onClick={() => props.onAsk({ keyId: key.keyId, action: 'rotate' })}
                          aria-label={`Rotate ${key.name ?? key.keyId}`}
                        >
                          Rotate
                        </button>
                        <button
                          type="button"
                          onClick={() => props.onAsk({ keyId: key.keyId, action: 'revoke' })}
                          aria-label={`Revoke ${key.name ?? key.keyId}`}
                        >
                          Revoke
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CreateKeyForm(props: { onCancel: () => void; onCreated: (created: CreatedApiKey) => void }) {
  const invoke = useInvoke();
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [scopes, setScopes] = useState<string[]>(['fax:send', 'fax:read']);
  const [expires, setExpires] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onCreated(
        await invoke('keys:create', {
          name: name.trim() || undefined,
          owner: owner.trim() || undefined,
          scopes,
          // A date means "usable through that day".
          expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined,
          note: note.trim() || undefined,
        }),
      );
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card create-key" onSubmit={(e) => void submit(e)} aria-labelledby="create-key-heading">
      <h2 id="create-key-heading">New API key</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="key-name">Name</label>
          <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. EHR integration" />
        </div>
        <div className="field">
          <label htmlFor="key-owner">Owner</label>
          <input id="key-owner" value={owner} onChange={(e) => setOwner(e.target.value)} placeholder="Who to ask about it" />
        </div>
        <div className="field">
          <label htmlFor="key-expires">Expires (optional)</label>
          <input id="key-expires" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="key-note">Note</label>
          <input id="key-note" value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
      </div>
      <fieldset className="scopes">
        <legend>What may it do?</legend>
        {SCOPES.map((scope) => (
          <label key={scope} className="check-inline">
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(e) => setScopes((list) => (e.target.checked ? [...list, scope] : list.filter((s) => s !== scope)))}
            />{' '}
            <span className="mono">{scope}</span> <span className="muted small">— {SCOPE_HELP[scope]}</span>
          </label>
        ))}
      </fieldset>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || scopes.length === 0}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
