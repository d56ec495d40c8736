import { useEffect, useRef, useState } from 'react';
import type { Backend, SecretName } from '../../shared/settings';
import type { CallbackUrl, CheckResult } from '../../shared/types';
import { errorMessage } from '../api/client';
import { useInvoke } from '../api/hooks';
import { CheckList } from '../components/CheckList';
import { CopyButton } from '../components/CopyButton';
import { FieldInput } from '../components/FieldInput';
import { SecretInput } from '../components/SecretInput';
import { sectionValues, useBackends, type SectionValues } from '../lib/backend-fields';
import { plural } from '../lib/format';
import { navigate } from '../lib/route';
import { useShell } from '../lib/shell-context';
import { OfficeServerCard, OfficeServerForm } from './OfficeServer';

/** Step names for the chosen service: test mode's second step holds simulator options, not credentials. */
function stepNames(backend: Backend): string[] {
  return ['Fax service', backend === 'simulator' ? 'Test options' : 'Credentials', 'Public address', 'Check and finish'];
}

/** The public-address step does not apply to test mode; it is shown as skipped, never ticked. */
const PUBLIC_ADDRESS_STEP = 2;

function checkSummary(checks: CheckResult[]): string {
  const count = (state: CheckResult['state']) => checks.filter((c) => c.state === state).length;
  const parts = [`${count('pass')} passed`, count('fail') && `${count('fail')} failed`, count('warn') && `${count('warn')} with a warning`];
  return `${plural(checks.length, 'check')}: ${parts.filter(Boolean).join(', ')}.`;
}

/** Who is sending, asked once at the end (optional): cover pages and the header line print it. */
const SENDER_FIELDS = [
  { key: 'company', label: 'Company', type: 'text', maxLength: 100 },
  { key: 'name', label: 'Your name', type: 'text', maxLength: 100 },
  { key: 'fax', label: 'Your fax number', type: 'tel', maxLength: 40 },
  { key: 'voice', label: 'Phone number', type: 'tel', maxLength: 40 },
  { key: 'email', label: 'Email', type: 'email', maxLength: 200 },
] as const;
type SenderKey = (typeof SENDER_FIELDS)[number]['key'];

export function SetupWizard() {
  const { settings, status, setSettings, reloadStatus, toast, remote } = useShell();
  const invoke = useInvoke();
  // The first question: this computer's own gateway, or the office server (null: follow the current mode).
  const [place, setPlace] = useState<'local' | 'remote' | null>(null);
  const where = place ?? (remote?.mode === 'remote' ? 'remote' : 'local');
  const [step, setStep] = useState(0);
  const [backend, setBackend] = useState<Backend | null>(null);
  const [values, setValues] = useState<SectionValues>({});
  const [secrets, setSecrets] = useState<Partial<Record<SecretName, string>>>({});
  const [publicUrl, setPublicUrl] = useState<string | null>(null);
  const [checks, setChecks] = useState<CheckResult[] | null>(null);
  const [callbacks, setCallbacks] = useState<CallbackUrl[]>([]);
  const [sender, setSender] = useState<Partial<Record<SenderKey, string>>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const checksRef = useRef<HTMLDivElement>(null);

  // Results appear below the form: bring them into view (the live region announces them).
  useEffect(() => {
    // (jsdom has no scrollIntoView.)
    if (checks) checksRef.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [checks]);

  const chosen = backend ?? settings?.settings.backend ?? 'simulator';
  const backends = useBackends();
  const info = backends.info(chosen);
  const url = publicUrl ?? settings?.settings.publicApiUrl ?? '';

  useEffect(() => {
    if (settings && backend === null) setValues(sectionValues(settings.settings, settings.settings.backend));
  }, [settings, backend]);

  if (!settings) return <p className="page muted">Loading settings…</p>;
  const view = settings;

  function choose(id: Backend) {
    setBackend(id);
    setValues(sectionValues(view.settings, id));
    setSecrets({});
    setChecks(null);
  }

  /** Runs one step's work with a busy state; false when it failed (the error is shown). */
  async function run(task: () => Promise<void>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await task();
      return true;
    } catch (failure) {
      setError(errorMessage(failure));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const check = async () => setChecks(await invoke('setup:check', { backend: chosen }));

  /** "Save and check": the live pass/fail for what this step just changed. */
  function saveAndCheck(save: () => Promise<void>) {
    void run(async () => {
      await save();
      await check();
    });
  }

  async function saveCredentials() {
    let latest = view;
    for (const [name, value] of Object.entries(secrets) as [SecretName, string][]) {
      if (value) latest = await invoke('settings:setSecret', { name, value });
    }
    // Only what was changed here: values set by the environment cannot be saved and stay as they are.
    const saved = sectionValues(view.settings, chosen);
    const changed = Object.fromEntries(Object.entries(values).filter(([key, value]) => saved[key] !== value));
    if (Object.keys(changed).length) latest = await invoke('settings:update', { patch: { [chosen]: changed } });
    setSecrets({});
    setSettings(latest);
  }

  async function savePublicUrl() {
    if (view.sources.publicApiUrl === 'env' || url.trim() === view.settings.publicApiUrl) return;
    setSettings(await invoke('settings:update', { patch: { publicApiUrl: url.trim() } }));
  }

  function toggleTunnel(on: boolean) {
    void run(async () => {
      await invoke(on ? 'tunnel:start' : 'tunnel:stop', {});
      reloadStatus();
    });
  }

  async function next() {
    if (step === 0) {
      setChecks(null);
      setStep(1);
      return;
    }
    const saved = await run(step === 1 ? saveCredentials : savePublicUrl);
    if (!saved) return;
    // Test mode needs no public address, so it skips that step.
    if (step === 1 && chosen !== 'simulator') {
      setChecks(null);
      setStep(2);
      return;
    }
    setStep(3);
    await run(async () => {
      setCallbacks(await invoke('setup:callbackUrls', { backend: chosen }));
      await check();
    });
  }

  function finish() {
    void run(async () => {
      const senderChanges = Object.fromEntries(
        Object.entries(sender)
          .filter(([key, value]) => value.trim() !== view.settings.sender[key as SenderKey])
          .map(([k, v]) => [k, v.trim()]),
      );
      const patch = Object.keys(senderChanges).length ? { backend: chosen, sender: senderChanges } : { backend: chosen };
      setSettings(await invoke('settings:update', { patch }));
      await invoke('setup:complete', {});
      reloadStatus();
      toast(chosen === 'simulator' ? 'Setup complete: test mode is on.' : `Setup complete: faxes now go through ${info.name}.`);
      navigate('send');
    });
  }

  const failing = checks?.some((c) => c.state === 'fail') ?? false;
  const steps = stepNames(chosen);
  const skipped = (i: number) => i === PUBLIC_ADDRESS_STEP && chosen === 'simulator' && step > i;

  return (
    <div className="page wizard">
      <div className="page-head">
        <h1>Set up faxing</h1>
        {!settings.settings.setupCompleted && (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              sessionStorage.setItem('setup-dismissed', '1');
              navigate('send');
            }}
          >
            Not now — stay in test mode
          </button>
        )}
      </div>
      {where === 'local' && (
        <ol className="stepper" aria-label="Setup steps">
          {steps.map((name, i) => (
            <li
              key={name}
              className={i === step ? 'current' : skipped(i) ? 'skipped' : i < step ? 'done' : ''}
              aria-current={i === step ? 'step' : undefined}
            >
              <span className="step-number" aria-hidden="true">
                {skipped(i) ? '–' : i < step ? '✓' : i + 1}
              </span>
              {name}
              {skipped(i) && <span className="muted small"> (not needed in test mode)</span>}
            </li>
          ))}
        </ol>
      )}

      <section className="card wizard-body" aria-labelledby="wizard-step-heading">
        <h2 id="wizard-step-heading">
          {where === 'remote' ? 'Connect to the office server' : `Step ${step + 1} of ${steps.length}: ${steps[step]}`}
        </h2>

        {step === 0 && (
          <fieldset className="backend-choices">
            <legend>Where should this window send and receive faxes?</legend>
            <label className={`backend-choice ${where === 'local' ? 'on' : ''}`}>
              <input type="radio" name="place" value="local" checked={where === 'local'} onChange={() => setPlace('local')} />
              <span>
                <strong>Use this computer</strong>
                <span className="muted small">Faxbot on this computer talks to your fax service itself.</span>
              </span>
            </label>
            <label className={`backend-choice ${where === 'remote' ? 'on' : ''}`}>
              <input type="radio" name="place" value="remote" checked={where === 'remote'} onChange={() => setPlace('remote')} />
              <span>
                <strong>Connect to the office server</strong>
                <span className="muted small">Your office runs one shared Faxbot server: use it with your own API key.</span>
              </span>
            </label>
          </fieldset>
        )}

        {where === 'remote' && (
          <>
            {remote?.mode === 'remote' && <OfficeServerCard remote={remote} />}
            <OfficeServerForm initialUrl={remote?.url ?? ''} />
          </>
        )}

        {where === 'local' && step === 0 && (
          <fieldset className="backend-choices">
            <legend>Which fax service will send and receive your faxes?</legend>
            {backends.error && <p role="alert">Could not load the list of fax services: {backends.error}</p>}
            {backends.list.map((b) => (
              <label key={b.id} className={`backend-choice ${chosen === b.id ? 'on' : ''}`}>
                <input type="radio" name="backend" value={b.id} checked={chosen === b.id} onChange={() => choose(b.id)} />
                <span>
                  <strong>{b.name}</strong>
                  <span className="muted small">{b.blurb}</span>
                </span>
              </label>
            ))}
          </fieldset>
        )}

        {step === 1 && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              saveAndCheck(saveCredentials);
            }}
          >
            <p className="muted">{info.blurb}</p>
            {info.secrets.map((s) => (
              <SecretInput
                key={s.name}
                label={s.label}
                hint={s.hint}
                value={secrets[s.name] ?? ''}
                status={settings.secrets[s.name]}
                onChange={(value) => setSecrets((prev) => ({ ...prev, [s.name]: value }))}
              />
            ))}
            {info.fields
              .filter((f) => !f.advanced)
              .map((f) => (
                <FieldInput key={f.key} spec={f} value={values[f.key]} onChange={(v) => setValues((prev) => ({ ...prev, [f.key]: v }))} />
              ))}
            {info.fields.some((f) => f.advanced) && (
              <details className="advanced">
                <summary>Advanced</summary>
                {info.fields
                  .filter((f) => f.advanced)
                  .map((f) => (
                    <FieldInput
                      key={f.key}
                      spec={f}
                      value={values[f.key]}
                      onChange={(v) => setValues((prev) => ({ ...prev, [f.key]: v }))}
                    />
                  ))}
              </details>
            )}
            <button type="submit" disabled={busy}>
              {busy ? 'Checking…' : 'Save and check'}
            </button>
          </form>
        )}

        {step === 2 && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              saveAndCheck(savePublicUrl);
            }}
          >
            <p>{info.publicUrlNeed}</p>
            <div className="field">
              <label htmlFor="public-url">Public address of this gateway (https)</label>
              <input
                id="public-url"
                type="url"
                placeholder="https://fax.example.com"
                value={url}
                onChange={(e) => setPublicUrl(e.target.value)}
                disabled={settings.sources.publicApiUrl === 'env'}
              />
              <p className="field-help">Leave empty to use a tunnel or no public address.</p>
            </div>
            <div className="tunnel-row">
              <p>
                Tunnel: <strong data-testid="tunnel-state">{status?.tunnel.state ?? 'off'}</strong>
                {status?.tunnel.url && <span className="mono"> {status.tunnel.url}</span>}
                {status?.tunnel.error && <span className="field-error"> {status.tunnel.error}</span>}
              </p>
              <button
                type="button"
                disabled={busy}
                onClick={() => toggleTunnel(status?.tunnel.state === 'off' || status?.tunnel.state === 'error')}
              >
                {status?.tunnel.state === 'off' || status?.tunnel.state === 'error' ? 'Start a tunnel' : 'Stop the tunnel'}
              </button>
            </div>
            <button type="submit" disabled={busy}>
              {busy ? 'Checking…' : 'Save and check'}
            </button>
          </form>
        )}

        {step === 3 && (
          <div>
            {chosen !== 'simulator' && callbacks.length === 0 && (
              <p className="banner banner-info" role="note">
                No public address: {info.name} cannot call back or deliver inbound faxes, so fax status will be checked by polling. Go back
                to add a tunnel or your own HTTPS address when you want callbacks.
              </p>
            )}
            {callbacks.length > 0 && (
              <>
                <h3>Paste these into the {info.name} console</h3>
                <ul className="callbacks">
                  {callbacks.map((c) => (
                    <li key={c.label}>
                      <p className="check-label">{c.label}</p>
                      <div className="copy-row">
                        <input readOnly value={c.url} aria-label={c.label} className="mono" />
                        <CopyButton text={c.url} label="Copy" />
                      </div>
                      {c.note && <p className="muted small">{c.note}</p>}
                    </li>
                  ))}
                </ul>
              </>
            )}
            <fieldset className="wizard-sender">
              <legend>Your details (optional)</legend>
              <p className="field-help">
                Printed on cover pages and in the header line at the top of each page. You can change them later in Settings → Sender.
              </p>
              {SENDER_FIELDS.map((field) => (
                <div className="field" key={field.key}>
                  <label htmlFor={`sender-${field.key}`}>{field.label}</label>
                  <input
                    id={`sender-${field.key}`}
                    type={field.type}
                    maxLength={field.maxLength}
                    value={sender[field.key] ?? view.settings.sender[field.key]}
                    onChange={(e) => setSender({ ...sender, [field.key]: e.target.value })}
                  />
                </div>
              ))}
            </fieldset>
            <p>
              {failing
                ? 'Some checks failed. You can finish anyway and fix them later from Diagnostics.'
                : 'Everything needed is in place.'}
            </p>
          </div>
        )}

        {/* Always rendered, so screen readers announce results when they arrive. */}
        <div className="wizard-checks" ref={checksRef} aria-live="polite" data-testid="wizard-checks">
          {checks && (
            <>
              <h3>Checks for {info.name}</h3>
              <p className="visually-hidden">{checkSummary(checks)}</p>
              <CheckList checks={checks} label={`Checks for ${info.name}`} />
              <button type="button" className="link-button" disabled={busy} onClick={() => void run(check)}>
                Check again
              </button>
            </>
          )}
        </div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </section>

      {where === 'local' && (
        <div className="wizard-nav">
          <button
            type="button"
            disabled={step === 0 || busy}
            onClick={() => {
              setChecks(null);
              setStep(step === 3 && chosen === 'simulator' ? 1 : step - 1);
            }}
          >
            Back
          </button>
          {step < 3 && (
            <button type="button" className="primary" disabled={busy} onClick={() => void next()}>
              Next
            </button>
          )}
          {step === 3 && (
            <button type="button" className="primary" disabled={busy} onClick={finish}>
              {busy ? 'Applying…' : `Finish: use ${info.name}`}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
