import { useEffect, useState, type FormEvent } from 'react';
import { SECRET_NAMES, type SecretName } from '../../shared/settings';
import { errorMessage } from '../api/client';
import { useInvoke } from '../api/hooks';
import { FieldInput, type FieldValue } from '../components/FieldInput';
import { backendInfo } from '../lib/backend-fields';
import { href } from '../lib/route';
import { buildPatch, getPath, type SettingField } from '../lib/settings-form';
import { useShell } from '../lib/shell-context';

const SECTIONS: { title: string; fields: SettingField[] }[] = [
  {
    title: 'Appearance',
    fields: [
      {
        path: 'ui.theme',
        label: 'Theme',
        kind: 'select',
        options: [
          { value: 'system', label: 'Same as the system' },
          { value: 'light', label: 'Light' },
          { value: 'dark', label: 'Dark' },
        ],
      },
      { path: 'ui.notifyOnDelivered', label: 'Also notify when a fax is delivered', kind: 'checkbox' },
    ],
  },
  {
    title: 'Sending',
    fields: [
      { path: 'defaultRegion', label: 'Default country for numbers without +', kind: 'text', hint: 'Two letters, e.g. US, GB, DE.' },
      {
        path: 'pageSize',
        label: 'Paper size for text files and cover pages',
        kind: 'select',
        options: [
          { value: 'letter', label: 'Letter' },
          { value: 'a4', label: 'A4' },
        ],
      },
      { path: 'maxFileSizeMb', label: 'Largest file accepted (MB)', kind: 'number' },
    ],
  },
  {
    title: 'Sender (cover pages and the header line)',
    fields: [
      { path: 'sender.company', label: 'Company', kind: 'text' },
      { path: 'sender.name', label: 'Your name', kind: 'text' },
      {
        path: 'sender.fax',
        label: 'Fax number',
        kind: 'text',
        hint: 'Printed on the cover and in the header line; E.164 (+1...) is clearest.',
      },
      { path: 'sender.voice', label: 'Phone number', kind: 'text' },
      { path: 'sender.email', label: 'Email', kind: 'text' },
      {
        path: 'sender.headerLine',
        label: 'Stamp the header line on every page (date, time, sender, number, page x/y; required in the US)',
        kind: 'checkbox',
      },
      {
        path: 'sender.reportFolder',
        label: 'Save a confirmation report of every finished fax in this folder',
        kind: 'text',
        hint: 'A folder on the computer running the gateway; leave empty to keep reports only in Jobs.',
      },
    ],
  },
  {
    title: 'Automatic retries',
    fields: [
      { path: 'retry.maxAttempts', label: 'Attempts per fax', kind: 'number' },
      { path: 'retry.busyDelaySeconds', label: 'Wait after a busy line (seconds)', kind: 'number' },
      { path: 'retry.noAnswerDelaySeconds', label: 'Wait after no answer (seconds)', kind: 'number' },
      { path: 'retry.lineErrorDelaySeconds', label: 'Wait after a line error (seconds)', kind: 'number' },
      { path: 'retry.providerDelaySeconds', label: 'Wait when the service is down (seconds)', kind: 'number' },
    ],
  },
  {
    title: 'Security',
    fields: [
      { path: 'requireApiKey', label: 'Require an API key for the REST API', kind: 'checkbox' },
      { path: 'enforcePublicHttps', label: 'Refuse a public address that is not https', kind: 'checkbox' },
      { path: 'pdfTokenTtlMinutes', label: 'Document links stay valid for (minutes)', kind: 'number' },
      { path: 'maxRequestsPerMinute', label: 'Requests per minute per key (0 = no limit)', kind: 'number' },
      { path: 'audit.enabled', label: 'Keep an audit log', kind: 'checkbox' },
    ],
  },
  {
    title: 'Incoming faxes and retention',
    fields: [
      { path: 'inboundEnabled', label: 'Receive faxes', kind: 'checkbox' },
      { path: 'inboundRetentionDays', label: 'Keep received faxes for (days, 0 = forever)', kind: 'number' },
      { path: 'artifactTtlDays', label: 'Keep sent documents for (days, 0 = forever)', kind: 'number' },
    ],
  },
];

/** Plain words for the gateway's secret store kinds; unknown kinds are shown as they are. */
const STORE_NAMES: Record<string, string> = {
  keychain: 'the OS keychain',
  'encrypted-file': 'an encrypted file in the data folder (no OS keychain found)',
  'safe-storage': 'the system’s protected storage',
  env: 'environment variables',
};

export function SettingsPage() {
  const { settings, setSettings, toast } = useShell();
  const invoke = useInvoke();
  const [draft, setDraft] = useState<Record<string, FieldValue>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!settings) return;
    const values: Record<string, FieldValue> = {};
    for (const section of SECTIONS) {
      for (const field of section.fields) {
        const value = getPath(settings.settings, field.path);
        if (value !== undefined) values[field.path] = value;
      }
    }
    setDraft(values);
  }, [settings]);

  if (!settings) return <p className="page muted">Loading settings…</p>;
  const view = settings;
  const patch = buildPatch(view.settings, draft);
  const dirty = Object.keys(patch).length > 0;

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSettings(await invoke('settings:update', { patch }));
      toast('Settings saved.');
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  async function clearSecret(name: SecretName) {
    try {
      setSettings(await invoke('settings:clearSecret', { name }));
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  const backend = backendInfo(view.settings.backend);
  const configuredSecrets = SECRET_NAMES.filter((name) => view.secrets[name]?.configured);

  return (
    <div className="page settings">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <section className="card">
        <h2>Fax service</h2>
        <p>
          Using <strong>{backend.name}</strong>
          {view.settings.setupCompleted ? '.' : ' (setup not finished).'}
        </p>
        <a className="button" href={href('setup')}>
          Open the setup wizard
        </a>
        <h3>Saved secrets</h3>
        <p className="muted small">
          Secrets are kept in {STORE_NAMES[view.secretStoreKind] ?? view.secretStoreKind}. They can be replaced or removed, never shown.
        </p>
        {configuredSecrets.length === 0 ? (
          <p className="muted">None saved.</p>
        ) : (
          <ul className="secret-list">
            {configuredSecrets.map((name) => (
              <li key={name}>
                <span className="mono">{name}</span>
                <span className="muted small">{view.secrets[name].source === 'env' ? 'environment' : 'keychain'}</span>
                {view.secrets[name].source !== 'env' && (
                  <button type="button" onClick={() => void clearSecret(name)} aria-label={`Remove ${name}`}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <form onSubmit={(e) => void save(e)} className="settings-form">
        {SECTIONS.map((section) => (
          <fieldset key={section.title} className="card">
            <legend>{section.title}</legend>
            {section.fields.map((field) => (
              <FieldInput
                key={field.path}
                spec={field}
                value={draft[field.path]}
                disabled={view.sources[field.path] === 'env'}
                note={view.sources[field.path] === 'env' ? <span className="muted small"> (set by environment)</span> : null}
                onChange={(value) =>
                  setDraft((d) => ({ ...d, [field.path]: field.path === 'defaultRegion' ? String(value).toUpperCase() : value }))
                }
              />
            ))}
          </fieldset>
        ))}
        <div className="sticky-actions">
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={!dirty || busy}>
            {busy ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>
    </div>
  );
}
