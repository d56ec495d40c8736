import { useCallback, useId, useRef, useState, type ClipboardEvent, type FormEvent } from 'react';
import { normalizeFaxNumber } from '../../shared/phone';
import type { FaxResolution } from '../../shared/settings';
import { splitRecipients } from '../../shared/recipients';
import { errorMessage } from '../api/client';
import { useCall, useInvoke, useNow } from '../api/hooks';
import type { CoverRequest } from '../../shared/cover';
import { useCoverPreview, type CoverPreviewState } from '../lib/use-cover-preview';
import { CoverFields } from '../components/CoverFields';
import { localInputToIso, RecipientChips, RecipientSuggestions, ScheduleField, type Recipient } from '../components/RecipientPicker';
import { TestTag } from '../components/StatusChip';
import { base64ToBytes, FAX_FILE_ACCEPT, formatBytes, readFiles } from '../lib/files';
import { countryName, hasStrayCharacters, numberReason, plural } from '../lib/format';
import { navigate } from '../lib/route';
import { useBackends } from '../lib/backend-fields';
import { useShell } from '../lib/shell-context';
import { MAX_THUMBNAILS, type SendDocument } from '../lib/use-send-documents';
import type { PrintJobView } from '../../shared/types';
import { PrintJobsPanel } from './PrintJobsPanel';

export function SendPage() {
  const { documents, settings, status, toast } = useShell();
  const invoke = useInvoke();
  const [to, setTo] = useState('');
  const [touched, setTouched] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const { resolution, setResolution } = documents;
  const resolutionId = useId();
  const backends = useBackends();
  // Set by backends whose service cannot be told the resolution (the preview still shows the choice).
  const resolutionNote = status ? backends.info(status.backend).resolutionNote : undefined;
  const [recipients, setRecipients] = useState<Recipient[]>([]);
  const [sendLater, setSendLater] = useState<string | null>(null);
  const [cover, setCover] = useState<CoverRequest | null>(null);
  const coverTemplates = useCall('covers:list', {});
  const sender = settings?.settings.sender;
  const now = useNow(30_000);
  const fileInput = useRef<HTMLInputElement>(null);
  const region = settings?.settings.defaultRegion ?? 'US';
  const number = normalizeFaxNumber(to, region);
  const { docs } = documents;

  function addRecipients(added: Recipient[]) {
    setRecipients((list) => [...list, ...added.filter((r) => !list.some((existing) => existing.key === r.key))]);
  }

  /** Several numbers pasted or typed with commas become chips; what cannot be read stays in the field. */
  function onNumberText(value: string) {
    const parts = splitRecipients(value);
    if (!/[,;\n]/.test(value) || parts.length === 0) {
      setTo(value);
      return;
    }
    const rest: string[] = [];
    const added: Recipient[] = [];
    for (const part of parts) {
      const result = normalizeFaxNumber(part, region);
      if (result.ok) added.push({ kind: 'number', key: `number:${result.e164}`, e164: result.e164, label: part });
      else rest.push(part);
    }
    addRecipients(added);
    setTo(rest.join(', '));
  }

  // A text field drops the new lines of a pasted list: read the clipboard ourselves.
  function onPaste(event: ClipboardEvent) {
    const text = event.clipboardData.getData('text');
    if (!(event.target instanceof HTMLInputElement) || event.target.type !== 'tel' || !/[,;\n]/.test(text)) return;
    event.preventDefault();
    onNumberText(`${to}${to.trim() ? ',' : ''}${text}`);
  }

  const checking = docs.some((d) => d.state === 'checking');
  const broken = docs.filter((d) => d.state === 'error');
  const pages = docs.reduce((sum, d) => sum + (d.pages ?? 0), 0);
  const blocker =
    docs.length === 0
      ? 'Add a document to fax.'
      : broken.length > 0
        ? 'Remove the documents that cannot be faxed.'
        : checking
          ? 'Checking documents…'
          : (recipients.length === 0 || to.trim() !== '') && !number.ok
            ? 'Enter a valid fax number.'
            : sendLater !== null && !localInputToIso(sendLater)
              ? 'Pick the date and time to send.'
              : null;

  // The cover is previewed for the first recipient (their contact fills the To block and may refuse covers).
  const first = recipients[0];
  const recipientCount = recipients.reduce((n, r) => n + (r.kind === 'group' ? r.count : 1), 0) + (to.trim() && number.ok ? 1 : 0);
  const coverPreview = useCoverPreview(
    cover || first || number.ok
      ? {
          ...(first?.kind === 'contact'
            ? { contactId: first.id }
            : first?.kind === 'group'
              ? { groupId: first.id }
              : { to: first?.e164 ?? to }),
          cover,
          documentPages: pages,
        }
      : null,
    documents.fax,
  );
  const withCover = coverPreview.preview ? coverPreview.preview.template !== null : cover !== null;

  const printJobIds = docs.flatMap((d) => (d.printJobId ? [d.printJobId] : []));
  const { addFiles } = documents;

  /** A waiting document joins the form with its preview; its tags fill an empty number field. */
  const attachPrintJob = useCallback(
    async (job: PrintJobView) => {
      try {
        const file = await invoke('printJobs:document', { id: job.id });
        addFiles([{ name: file.name, bytes: base64ToBytes(file.contentBase64), printJobId: job.id }]);
      } catch (error) {
        setSendError(errorMessage(error));
        return;
      }
      const [first, ...more] = job.tagNumbers;
      if (first && more.length === 0) setTo((current) => (current.trim() ? current : first));
      else if (first)
        setRecipients((list) =>
          list.length > 0 ? list : job.tagNumbers.map((e164) => ({ kind: 'number', key: `number:${e164}`, e164, label: e164 })),
        );
    },
    [invoke, addFiles],
  );

  async function onPick(files: FileList | null) {
    if (!files) return;
    documents.addFiles(await readFiles(files));
    if (fileInput.current) fileInput.current.value = '';
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (blocker) return;
    setSending(true);
    setSendError(null);
    const files = docs.map((d) => ({ name: d.name, contentBase64: d.base64 }));
    const sendAt = localInputToIso(sendLater) ?? undefined;
    try {
      const only =
        recipients.length === 0 && number.ok ? number.e164 : recipients.length === 1 && !to.trim() ? singleNumber(recipients[0]) : null;
      if (only) {
        const job = await invoke('jobs:send', {
          to: only,
          documents: files,
          sendAt,
          cover: cover ?? undefined,
          resolution,
          ...(printJobIds.length ? { printJobIds } : {}),
        });
        toast(sendAt ? 'Fax scheduled.' : job.testMode ? 'Test fax queued (simulated, not really sent).' : 'Fax queued.');
        navigate('jobs', job.id);
      } else {
        const numbers = recipients.flatMap((r) => (r.kind === 'number' ? [r.e164] : []));
        if (number.ok) numbers.push(number.e164);
        const batch = await invoke('jobs:sendBatch', {
          to: numbers,
          contactIds: recipients.flatMap((r) => (r.kind === 'contact' ? [r.id] : [])),
          groupIds: recipients.flatMap((r) => (r.kind === 'group' ? [r.id] : [])),
          documents: files,
          sendAt,
          cover: cover ?? undefined,
          resolution,
          ...(printJobIds.length ? { printJobIds } : {}),
        });
        toast(`${sendAt ? 'Scheduled' : 'Queued'}: one fax to each of ${batch.counts.total} recipients.`);
        navigate('jobs', batch.jobs[0]?.id);
      }
      documents.clear();
      setTo('');
      setRecipients([]);
      setSendLater(null);
      setCover(null);
      setTouched(false);
    } catch (error) {
      setSendError(errorMessage(error));
    } finally {
      setSending(false);
    }
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>Send a fax</h1>
        {status?.testMode && <TestTag />}
      </div>
      <PrintJobsPanel attached={printJobIds} formEmpty={docs.length === 0} onAttach={(job) => void attachPrintJob(job)} />
      <form className="send-grid" onSubmit={(e) => void send(e)} noValidate>
        <section className="send-docs" aria-labelledby="docs-heading">
          <h2 id="docs-heading" className="visually-hidden">
            Documents
          </h2>
          <div className={`dropzone ${docs.length ? 'dropzone-compact' : ''}`}>
            <p>
              <strong>Drop PDF, text or image (JPEG, PNG, TIFF) files anywhere in this window</strong>
              <span className="muted"> — several files are sent as one fax, in this order.</span>
            </p>
            <button type="button" onClick={() => fileInput.current?.click()}>
              Choose files…
            </button>
            <input
              ref={fileInput}
              className="visually-hidden"
              type="file"
              multiple
              accept={FAX_FILE_ACCEPT}
              aria-label="Choose files to fax"
              data-testid="file-input"
              tabIndex={-1}
              onChange={(e) => void onPick(e.target.files)}
            />
          </div>
          <ol className="doc-list">
            <CoverCard
              state={coverPreview}
              label={coverTemplates.data?.find((t) => t.name === coverPreview.preview?.template)?.label ?? null}
              recipientCount={recipientCount}
            />
            {docs.map((doc, index) => (
              <DocumentCard
                key={doc.key}
                doc={doc}
                first={index === 0}
                last={index === docs.length - 1}
                onMove={(delta) => documents.move(doc.key, delta)}
                onRemove={() => documents.remove(doc.key)}
              />
            ))}
          </ol>
        </section>

        <aside className="send-panel card" onPasteCapture={onPaste}>
          <RecipientChips recipients={recipients} onRemove={(key) => setRecipients((list) => list.filter((r) => r.key !== key))} />
          <NumberField
            value={to}
            onChange={onNumberText}
            touched={touched && (recipients.length === 0 || to.trim() !== '')}
            onBlur={() => setTouched(true)}
            region={region}
          />
          <RecipientSuggestions
            query={to}
            onPick={(recipient) => {
              addRecipients([recipient]);
              setTo('');
            }}
          />
          <ScheduleField value={sendLater} onChange={setSendLater} now={now} />
          <CoverFields
            value={cover}
            onChange={setCover}
            senderMissing={!sender?.company && !sender?.name}
            templates={coverTemplates.data ?? []}
          />
          <p className="send-summary" data-testid="send-summary">
            {docs.length === 0
              ? 'No documents yet.'
              : `${plural(docs.length, 'document')} · ${checking ? 'counting pages…' : plural(pages, 'page')}${withCover ? ` + cover page = ${plural(pages + 1, 'page')}` : ''}`}
          </p>
          <div className="field">
            <label htmlFor={resolutionId}>Resolution</label>
            <select
              id={resolutionId}
              value={resolution}
              onChange={(e) => setResolution(e.target.value as FaxResolution)}
              aria-describedby={`${resolutionId}-help`}
            >
              <option value="fine">Fine (204×196 dpi, clearer small print)</option>
              <option value="standard">Standard (204×98 dpi, faster to send)</option>
            </select>
            <p id={`${resolutionId}-help`} className="field-help">
              {resolutionNote ?? 'The page previews show the fax as the receiving machine prints it at this resolution.'}
            </p>
          </div>
          {status?.testMode && <p className="note">Test mode: the fax is simulated and marked TEST. Nothing is dialled.</p>}
          {sendError && (
            <p className="field-error" role="alert">
              {sendError}
            </p>
          )}
          <button type="submit" className="primary big" disabled={sending || (blocker !== null && blocker !== 'Enter a valid fax number.')}>
            {sending ? 'Sending…' : sendLater ? 'Schedule fax' : status?.testMode ? 'Send test fax' : 'Send fax'}
          </button>
          {blocker && <p className="muted small">{blocker}</p>}
        </aside>
      </form>
    </div>
  );
}

/** One fax, not a batch: a single number or contact (a group is always a batch). */
function singleNumber(recipient: Recipient | undefined): string | null {
  return recipient && recipient.kind !== 'group' ? recipient.e164 : null;
}

function NumberField(props: { value: string; onChange: (value: string) => void; onBlur: () => void; touched: boolean; region: string }) {
  const id = useId();
  const result = normalizeFaxNumber(props.value, props.region);
  const showError = !result.ok && (props.touched || hasStrayCharacters(props.value) || props.value.replace(/\D/g, '').length >= 6);
  const suggestion = result.suggestion;
  const useSuggestion = suggestion && (
    <>
      {' '}
      Did you mean {countryName(suggestion.country)}?{' '}
      <button type="button" className="link-button" onClick={() => props.onChange(suggestion.international)}>
        Use {suggestion.international}
      </button>
    </>
  );
  return (
    <div className="field">
      <label htmlFor={id}>Fax number</label>
      <input
        id={id}
        type="tel"
        inputMode="tel"
        autoComplete="off"
        placeholder={props.region === 'US' ? '(555) 123-4567 or +44 20 7946 0000' : '+1 555 123 4567'}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        onBlur={props.onBlur}
        aria-invalid={showError ? true : undefined}
        aria-describedby={`${id}-help`}
      />
      <p id={`${id}-help`} className={showError ? 'field-error' : 'field-help'} aria-live="polite" data-testid="number-help">
        {result.ok ? (
          <>
            <span className="ok-mark" aria-hidden="true">
              ✓
            </span>{' '}
            {countryName(result.country)} · <span className="mono">{result.e164}</span>
            {!result.likelyValid && (
              <span className="warn-text"> — not a known number range in {countryName(result.country)}; check it.</span>
            )}
            {useSuggestion}
          </>
        ) : showError && suggestion ? (
          <>
            This is not a {countryName(props.region)} number.{useSuggestion}
          </>
        ) : showError ? (
          numberReason(result.reason)
        ) : (
          `National numbers are read as ${countryName(props.region)}; start with + for other countries.`
        )}
      </p>
    </div>
  );
}

/**
 * The cover page first in the preview strip, drawn from the PDF the gateway would send, or the
 * reason the first recipient gets none.
 */
function CoverCard(props: { state: CoverPreviewState; label: string | null; recipientCount: number }) {
  const { preview, thumb, error, pending } = props.state;
  if (!preview?.template && !preview?.reason && !error) return null;
  const who = preview?.recipient
    ? props.recipientCount > 1
      ? `For ${preview.recipient}, the first of ${props.recipientCount} recipients; each gets a cover addressed to them`
      : `For ${preview.recipient}`
    : 'For the recipient you enter';
  return (
    <li className="card doc-card cover-card" data-testid="cover-preview" aria-busy={pending}>
      <div className="doc-head">
        <div>
          <h3 className="doc-name">Cover page{props.label ? `: ${props.label}` : ''}</h3>
          <p className="muted small" data-testid="cover-preview-for">
            {who}
            {preview?.template ? ` · page 1 of ${preview.pages}` : ''}
            {pending && ' · updating…'}
          </p>
        </div>
      </div>
      {preview?.reason && <p className="note">No cover page: {preview.reason}.</p>}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {thumb && (
        <ol className="thumbs" aria-label="The cover page as it will print">
          <li>
            <a href={thumb} target="_blank" rel="noreferrer" title="Open the cover page at full size">
              <img src={thumb} alt="Cover page as it will print" />
            </a>
            <span className="thumb-label">1</span>
          </li>
        </ol>
      )}
    </li>
  );
}

const KIND_LABELS: Record<SendDocument['kind'], string> = { pdf: 'PDF', txt: 'Text', image: 'Image', unsupported: 'Unsupported' };

function DocumentCard(props: { doc: SendDocument; first: boolean; last: boolean; onMove: (delta: -1 | 1) => void; onRemove: () => void }) {
  const { doc } = props;
  const hidden = doc.pages !== null && doc.pages > MAX_THUMBNAILS ? doc.pages - MAX_THUMBNAILS : 0;
  return (
    <li className={`card doc-card ${doc.state === 'error' ? 'doc-error' : ''}`} data-testid="doc-card">
      <div className="doc-head">
        <div>
          <h3 className="doc-name">{doc.name}</h3>
          <p className="muted small">
            {KIND_LABELS[doc.kind]} · {formatBytes(doc.size)}
            {doc.pages !== null && (
              <>
                {' '}
                · <span data-testid="doc-pages">{plural(doc.pages, 'page')}</span>
              </>
            )}
            {doc.state === 'checking' && ' · checking…'}
          </p>
        </div>
        <div className="doc-actions">
          <button type="button" className="icon" onClick={() => props.onMove(-1)} disabled={props.first} aria-label={`Move ${doc.name} up`}>
            ↑
          </button>
          <button type="button" className="icon" onClick={() => props.onMove(1)} disabled={props.last} aria-label={`Move ${doc.name} down`}>
            ↓
          </button>
          <button type="button" className="icon" onClick={props.onRemove} aria-label={`Remove ${doc.name}`}>
            ✕
          </button>
        </div>
      </div>
      {doc.error && (
        <p className="field-error" role="alert">
          {doc.error}
        </p>
      )}
      {doc.warnings.length > 0 && (
        <ul className="warnings" aria-label={`Pre-flight warnings for ${doc.name}`}>
          {doc.warnings.map((w) => (
            <li key={w.code} data-code={w.code}>
              <span aria-hidden="true">⚠</span> {w.message}
            </li>
          ))}
        </ul>
      )}
      {doc.thumbs.length > 0 && (
        <ol className="thumbs" aria-label={`Pages of ${doc.name} as they will print`}>
          {doc.thumbs.map((page, i) => (
            <li key={page.url}>
              <a href={page.url} target="_blank" rel="noreferrer" title="Open this page at full size">
                <img src={page.url} alt={`Page ${i + 1} as it will print`} loading="lazy" data-fax-rows={page.rows} />
              </a>
              <span className="thumb-label">{i + 1}</span>
            </li>
          ))}
          {hidden > 0 && <li className="thumb-more">+{hidden} more pages</li>}
        </ol>
      )}
      {doc.textPreview !== null && (
        <pre className="text-preview" aria-label={`Text of ${doc.name}`}>
          {doc.textPreview}
        </pre>
      )}
    </li>
  );
}
