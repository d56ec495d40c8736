import {
  COVER_CHECKS,
  COVER_FIELD_NAMES,
  COVER_LABELS,
  COVER_TEMPLATE_NAME,
  COVER_TEMPLATES,
  MAX_COVER_TEMPLATE_BYTES,
  MAX_IMPORTED_COVER_TEMPLATES,
  isCoverTemplate,
  type CoverTemplateView,
} from '../../../shared/cover';
import type { PreflightView } from '../../../shared/types';
import { inspectCoverTemplate, renderImportedCover, sniffDocument } from '../documents';
import type { Db } from '../store/db';
import type { AuditLog } from './audit';
import { AppError, badRequest, conflict, notFound } from './errors';
import type { DocumentInput } from './intake';

interface TemplateRow {
  name: string;
  label: string;
  fields: string;
  created_at: number;
  size: number;
}

export interface CoverTemplatesDeps {
  db: Db;
  now: () => number;
  audit: AuditLog;
  /** The document preflight every upload gets (limits, encryption, page count), off the event loop. */
  toPdf: (doc: DocumentInput) => Promise<{ pages: number; warnings: PreflightView['warnings'] }>;
}

const FIELD_LIST = `${COVER_FIELD_NAMES.join(', ')} (text fields) and ${COVER_CHECKS.join(', ')} (checkboxes)`;

const builtIn = (name: (typeof COVER_TEMPLATES)[number]): CoverTemplateView => ({
  name,
  label: COVER_LABELS[name],
  builtIn: true,
  fields: [],
  createdAt: null,
  size: null,
});

/**
 * Cover page templates: the four built in, and one-page PDFs an admin imported whose AcroForm
 * fields are named after the cover fields. Every door (REST, /rpc, Send) asks this service which
 * names exist, so `cover=<name>` means the same everywhere.
 */
export class CoverTemplatesService {
  private readonly stmt;

  constructor(private readonly deps: CoverTemplatesDeps) {
    const { db } = deps;
    this.stmt = {
      list: db.prepare('SELECT name, label, fields, created_at, length(pdf) AS size FROM cover_templates ORDER BY label, name'),
      get: db.prepare('SELECT name, label, fields, created_at, length(pdf) AS size FROM cover_templates WHERE name = ?'),
      pdf: db.prepare('SELECT pdf FROM cover_templates WHERE name = ?'),
      count: db.prepare('SELECT count(*) AS n FROM cover_templates'),
      insert: db.prepare('INSERT INTO cover_templates (name, label, pdf, fields, created_at) VALUES (?, ?, ?, ?, ?)'),
      remove: db.prepare('DELETE FROM cover_templates WHERE name = ?'),
    };
  }

  /** Built-in templates first, then the imported ones by label. */
  list(): CoverTemplateView[] {
    return [...COVER_TEMPLATES.map(builtIn), ...this.imported()];
  }

  imported(): CoverTemplateView[] {
    return (this.stmt.list.all() as TemplateRow[]).map(view);
  }

  /**
   * The template a send names (any case): built in or imported. Unknown names are the sender's
   * mistake, answered with the names that exist.
   */
  resolve(requested: string): string {
    const name = requested.trim().toLowerCase();
    if (isCoverTemplate(name) || this.stmt.get.get(name)) return name;
    const known = this.list().map((t) => t.name);
    throw badRequest(`Unknown cover page '${requested.slice(0, 40)}': use one of ${known.join(', ')}`);
  }

  /** An imported template's PDF, as uploaded. */
  pdf(name: string): Uint8Array {
    const row = this.stmt.pdf.get(name) as { pdf: Buffer } | undefined;
    if (!row) throw notFound(`No imported cover template named '${name.slice(0, 40)}'`);
    return new Uint8Array(row.pdf.buffer, row.pdf.byteOffset, row.pdf.byteLength);
  }

  /**
   * Checks and stores an uploaded template. Refused with one sentence saying what to change: not a
   * PDF, too large, damaged or too complex (the document preflight), not exactly one page, fields
   * with names we do not fill (all listed), `{{field}}` typed as page text, or no field at all.
   */
  async add(input: { name: string; label?: string; bytes: Uint8Array }): Promise<{ template: CoverTemplateView; warnings: string[] }> {
    const name = input.name.trim().toLowerCase();
    if (!COVER_TEMPLATE_NAME.test(name)) {
      throw badRequest('Name the template with 1 to 40 letters, digits or dashes (it is what cover=<name> asks for), like "letterhead"');
    }
    if (isCoverTemplate(name)) throw conflict(`'${name}' is a built-in cover page; choose another name`);
    if (this.stmt.get.get(name)) throw conflict(`A cover template named '${name}' exists already; delete it first to replace it`);
    if ((this.stmt.count.get() as { n: number }).n >= MAX_IMPORTED_COVER_TEMPLATES) {
      throw conflict(`At most ${MAX_IMPORTED_COVER_TEMPLATES} cover templates can be imported; delete one first`);
    }
    if (input.bytes.length > MAX_COVER_TEMPLATE_BYTES) {
      throw new AppError('too_large', `A cover template may be at most ${MAX_COVER_TEMPLATE_BYTES / 1024 / 1024} MB`);
    }
    const sniffed = sniffDocument(input.bytes.subarray(0, 64 * 1024));
    if ('error' in sniffed || sniffed.kind !== 'pdf') {
      throw new AppError('unsupported_type', 'A cover template must be a PDF (the type is read from the file contents, not its name)');
    }
    const checked = await this.deps.toPdf({ name: 'The template', bytes: input.bytes });
    if (checked.pages !== 1) throw badRequest(`A cover template must be one page; this PDF has ${checked.pages}`);

    const facts = await inspectCoverTemplate(input.bytes).catch(() => {
      throw badRequest('The form fields of this PDF cannot be read. Export it again as a PDF form and retry.');
    });
    if (facts.rotation !== 0) {
      throw badRequest(
        `This PDF's page is rotated by ${facts.rotation}°, so the values would be written sideways. Save it without rotation and upload again.`,
      );
    }
    if (facts.literal.length > 0) {
      throw badRequest(
        `This PDF has ${facts.literal.slice(0, 8).join(', ')} written as page text, which is sent as written, never replaced. ` +
          'Put a form text field named after each one in its place instead (Acrobat: Prepare Form; LibreOffice: Form Controls, ' +
          'then export as PDF with "Create PDF form") and upload again.',
      );
    }
    const wrong = [...facts.unknown, ...facts.unsupported];
    if (wrong.length > 0) {
      const shown = wrong
        .slice(0, 10)
        .map((f) => `'${f.slice(0, 40)}'`)
        .join(', ');
      throw badRequest(
        `This PDF has form fields that are not cover fields: ${shown}${wrong.length > 10 ? ` and ${wrong.length - 10} more` : ''}. ` +
          `Rename or remove them; the fields filled in are ${FIELD_LIST}.`,
      );
    }
    if (facts.fields.length === 0) {
      throw badRequest(`This PDF has no form fields, so nothing would be filled in. Add form fields named ${FIELD_LIST}.`);
    }
    // Filled once now, so a template that cannot be filled is refused here rather than at send time.
    await renderImportedCover(input.bytes, SAMPLE).catch(() => {
      throw badRequest('This PDF form cannot be filled in. Export it again as a PDF form and retry.');
    });

    const label = (input.label ?? '').trim().slice(0, 80) || name;
    this.stmt.insert.run(name, label, Buffer.from(input.bytes), JSON.stringify(facts.fields), this.deps.now());
    this.deps.audit.record('cover_template_added', { template: name });
    const template = view(this.stmt.get.get(name) as TemplateRow);
    return { template, warnings: checked.warnings.map((w) => w.message) };
  }

  remove(requested: string): void {
    const name = requested.trim().toLowerCase();
    if (isCoverTemplate(name)) throw conflict(`'${name}' is built in and cannot be deleted`);
    if (this.stmt.remove.run(name).changes === 0) throw notFound(`No imported cover template named '${requested.slice(0, 40)}'`);
    this.deps.audit.record('cover_template_deleted', { template: name });
  }
}

function view(row: TemplateRow): CoverTemplateView {
  return {
    name: row.name,
    label: row.label,
    builtIn: false,
    fields: JSON.parse(row.fields) as string[],
    createdAt: new Date(row.created_at).toISOString(),
    size: row.size,
  };
}

/** Values for the fill check at import: long enough to exercise wrapping and shrinking. */
const SAMPLE = {
  template: 'import-check',
  pageSize: 'letter' as const,
  date: new Date(0),
  documentPages: 12,
  subject: 'Sample subject for the import check',
  note: 'A sample note. '.repeat(40),
  checks: [...COVER_CHECKS],
  from: { name: 'Sample Sender', company: 'Sample Company', fax: '+12025550100', voice: '+12025550101', email: 'sender@example.com' },
  to: { name: 'Sample Recipient', company: 'Sample Company', fax: '+12025550102', voice: '+12025550103' },
};
