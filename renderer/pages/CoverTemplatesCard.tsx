import { useId, useRef, useState, type FormEvent } from 'react';
import { COVER_CHECKS, COVER_CHECK_LABELS, COVER_FIELDS, COVER_FIELD_NAMES, MAX_COVER_TEMPLATE_BYTES } from '../../shared/cover';
import { errorMessage } from '../api/client';
import { useCall, useInvoke } from '../api/hooks';
import { bytesToBase64, formatBytes, readFiles } from '../lib/files';
import { useShell } from '../lib/shell-context';

/** Settings → Cover pages: import a one-page PDF form as a cover template, list and delete them. */
export function CoverTemplatesCard() {
  const templates = useCall('covers:list', {});
  const invoke = useInvoke();
  const { toast } = useShell();
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const imported = (templates.data ?? []).filter((t) => !t.builtIn);

  async function upload(event: FormEvent) {
    event.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!name.trim()) return setError('Give the template a name (letters, digits or dashes), like "letterhead".');
    if (!file) return setError('Choose the PDF to import.');
    if (file.size > MAX_COVER_TEMPLATE_BYTES) return setError(`A cover template may be at most ${formatBytes(MAX_COVER_TEMPLATE_BYTES)}.`);
    setBusy(true);
    setError(null);
    setWarnings([]);
    try {
      const [read] = await readFiles([file]);
      const result = await invoke('covers:import', {
        name,
        label: label || undefined,
        contentBase64: bytesToBase64(read?.bytes ?? new Uint8Array()),
      });
      setWarnings(result.warnings);
      toast(`Cover template "${result.template.label}" imported.`);
      setName('');
      setLabel('');
      if (fileInput.current) fileInput.current.value = '';
      templates.reload();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  async function remove(templateName: string) {
    try {
      await invoke('covers:delete', { name: templateName });
      setConfirming(null);
      templates.reload();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <section className="card cover-templates" aria-labelledby={`${id}-heading`} data-testid="cover-templates">
      <h2 id={`${id}-heading`}>Cover pages</h2>
      <p>
        Four cover pages are built in. To use your own letterhead, import a one-page PDF form: draw a form text field wherever a value
        belongs and name the field after it (for example <code>to_name</code>). The fields are filled in black and flattened when a fax is
        sent. Text typed on the page as <code>{'{{to_name}}'}</code> is <strong>not</strong> replaced, so such a PDF is refused: use a form
        field instead.
      </p>
      <details>
        <summary>Field names</summary>
        <table className="field-names">
          <tbody>
            {COVER_FIELD_NAMES.map((field) => (
              <tr key={field}>
                <td>
                  <code>{field}</code>
                </td>
                <td>{COVER_FIELDS[field]}</td>
              </tr>
            ))}
            {COVER_CHECKS.map((check) => (
              <tr key={check}>
                <td>
                  <code>{check}</code>
                </td>
                <td>Checkbox, ticked when Send ticks “{COVER_CHECK_LABELS[check]}”</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      {imported.length === 0 ? (
        <p className="muted">No imported templates yet.</p>
      ) : (
        <ul className="secret-list" aria-label="Imported cover templates">
          {imported.map((t) => (
            <li key={t.name} data-testid="cover-template-row">
              <span>
                <strong>{t.label}</strong> <span className="muted small">cover={t.name}</span>
                <br />
                <span className="muted small">
                  Fills {t.fields.join(', ')} · {formatBytes(t.size ?? 0)}
                </span>
              </span>
              {confirming === t.name ? (
                <span>
                  <button type="button" className="danger" onClick={() => void remove(t.name)}>
                    Yes, delete {t.label}
                  </button>{' '}
                  <button type="button" onClick={() => setConfirming(null)}>
                    Keep it
                  </button>
                </span>
              ) : (
                <button type="button" onClick={() => setConfirming(t.name)} aria-label={`Delete ${t.label}`}>
                  Delete…
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form className="cover-import" onSubmit={(e) => void upload(e)} noValidate>
        <h3>Import a template</h3>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name (what cover=&lt;name&gt; asks for)</label>
          <input id={`${id}-name`} value={name} maxLength={40} placeholder="letterhead" onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-label`}>Label shown in Send (optional)</label>
          <input id={`${id}-label`} value={label} maxLength={80} onChange={(e) => setLabel(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-file`}>One-page PDF form</label>
          <input id={`${id}-file`} ref={fileInput} type="file" accept="application/pdf,.pdf" data-testid="cover-template-file" />
        </div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        {warnings.length > 0 && (
          <ul className="warnings" aria-label="Warnings about the imported template">
            {warnings.map((w) => (
              <li key={w}>
                <span aria-hidden="true">⚠</span> {w}
              </li>
            ))}
          </ul>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Importing…' : 'Import template'}
        </button>
      </form>
    </section>
  );
}
