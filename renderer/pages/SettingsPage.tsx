import { useEffect, useState, type FormEvent } from 'react';
import { COUNTRY_CODES } from '../../shared/phone';
import { SECRET_NAMES, secretStoreName, type SecretName } from '../../shared/settings';
import { errorMessage } from '../api/client';
import { useInvoke } from '../api/hooks';
import { FieldInput, type FieldValue } from '../components/FieldInput';
import { McpEndpoints } from '../components/McpEndpoints';
import { secretLabel, useBackends } from '../lib/backend-fields';
import { href } from '../lib/route';
import { countryName } from '../lib/format';
import { buildPatch, getPath, type SettingField } from '../lib/settings-form';
import { useShell } from '../lib/shell-context';
import { OfficeServerCard } from './OfficeServer';
import { CoverTemplatesCard } from './CoverTemplatesCard';
import { PrintToFaxCard } from './PrintToFaxCard';

/** Every country the number library knows, by name: "United Kingdom (GB)". */
const COUNTRY_OPTIONS = COUNTRY_CODES.map((code) => ({ value: code, label: `${countryName(code)} (${code})` })).sort((a, b) =>
  a.label.localeCompare(b.label),
);

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
      {
        path: 'defaultRegion',
        label: 'Default country for numbers without +',
        kind: 'select',
        options: COUNTRY_OPTIONS,
        hint: 'Numbers typed without + and a country code are read as numbers in this country.',
      },
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
    title: 'Print to fax',
    fields: [
      {
        path: 'print.autosendTagged',
        label: 'Send printed documents with a @@fax:…@@ number tag at once (no confirmation)',
        kind: 'checkbox',
      },
      {
        path: 'print.hotFolder',
        label: 'Hot folder (files named "+15551234567 …" or carrying a tag are faxed)',
        kind: 'text',
        hint: 'A full folder path; leave empty to turn it off.',
      },
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
      { path: 'providerTimeoutSeconds', label: 'Give up on a provider call after (seconds)', kind: 'number' },
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

export function SettingsPage() {
  const { settings, setSettings, status, toast, remote } = useShell();
  const invoke = useInvoke();
  const backends = useBackends();
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

  // Connected to an office server: provider sections and credentials are the server's, never asked for here.
  if (remote?.mode === 'remote')
    return (
      <div className="page settings">
        <div className="page-head">
          <h1>Settings</h1>
        </div>
        <OfficeServerCard remote={remote} />
      </div>
    );
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

  const backend = backends.info(view.settings.backend);
  const configuredSecrets = SECRET_NAMES.filter((name) => view.secrets[name]?.configured);
  const store = secretStoreName(view.secretStoreKind);

  return (
    <div className="page settings">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      {status?.restPortBusy !== undefined && (
        <p className="banner banner-error" role="alert">
          Port {status.restPortBusy} is in use by another program, so scripts cannot reach the Faxbot API there (this window still works).
          To change it, close that program or set the PORT environment variable to a free port (for example PORT=8081), then restart Faxbot
          Desktop.
        </p>
      )}
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
        <p className="muted small">Secrets are kept in {store.long}. They can be replaced or removed, never shown.</p>
        {configuredSecrets.length === 0 ? (
          <p className="muted">None saved.</p>
        ) : (
          <ul className="secret-list">
            {configuredSecrets.map((name) => (
              <li key={name}>
                <span>{secretLabel(name, backends.list)}</span>
                <span className="muted small">{view.secrets[name].source === 'env' ? 'environment variable' : store.short}</span>
                {view.secrets[name].source !== 'env' && (
                  <button type="button" onClick={() => void clearSecret(name)} aria-label={`Remove ${secretLabel(name, backends.list)}`}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <McpEndpoints status={status} />
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
                onChange={(value) => setDraft((d) => ({ ...d, [field.path]: value }))}
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
      <CoverTemplatesCard />
      <PrintToFaxCard />
    </div>
  );
}
