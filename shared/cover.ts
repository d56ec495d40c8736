/** Built-in cover page templates (office-fax.md §4.5): one page each, black on white. */
export const COVER_TEMPLATES = ['standard', 'confidential', 'checkboxes', 'plain'] as const;
export type CoverTemplate = (typeof COVER_TEMPLATES)[number];

export const COVER_LABELS: Record<CoverTemplate, string> = {
  standard: 'Standard',
  confidential: 'With confidentiality notice',
  checkboxes: 'With Urgent / For review / Please comment / Please reply',
  plain: 'Plain (To, From, pages)',
};

/** The checkboxes of the `checkboxes` template, in print order. */
export const COVER_CHECKS = ['urgent', 'review', 'comment', 'reply'] as const;
export type CoverCheck = (typeof COVER_CHECKS)[number];
export const COVER_CHECK_LABELS: Record<CoverCheck, string> = {
  urgent: 'Urgent',
  review: 'For review',
  comment: 'Please comment',
  reply: 'Please reply',
};

/** What a send asks for: a template (built in or imported by an admin), and the subject and note typed in Send. */
export interface CoverRequest {
  template: string;
  subject?: string;
  note?: string;
  checks?: CoverCheck[];
}

export function isCoverTemplate(value: string): value is CoverTemplate {
  return (COVER_TEMPLATES as readonly string[]).includes(value);
}

/**
 * The fields an imported PDF template may carry, as AcroForm text fields named after them (Sinch-style
 * `{{name}}` spelling is accepted too). The same values fill the built-in templates.
 */
export const COVER_FIELDS = {
  to_name: "Recipient's name",
  to_company: "Recipient's company",
  to_fax: "Recipient's fax number",
  to_voice: "Recipient's phone number",
  from_name: "Sender's name",
  from_company: "Sender's company",
  from_fax: "Sender's fax number",
  from_voice: "Sender's phone number",
  from_email: "Sender's email",
  date: 'Date (YYYY-MM-DD)',
  time: 'Time (HH:MM)',
  subject: 'Subject',
  note: 'Note',
  pages: 'Total pages, including the cover',
  document_pages: 'Pages of the document, without the cover',
} as const;
export type CoverField = keyof typeof COVER_FIELDS;
export const COVER_FIELD_NAMES = Object.keys(COVER_FIELDS) as CoverField[];

/** An imported template's name: what `cover=<name>` asks for. Lower case, so the REST form can match any case. */
export const COVER_TEMPLATE_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** A one-page cover needs no more; a scanned letterhead at fax resolution is well under it. */
export const MAX_COVER_TEMPLATE_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORTED_COVER_TEMPLATES = 50;

/** A template Send can offer: the built-in ones and those an admin imported. */
export interface CoverTemplateView {
  name: string;
  label: string;
  builtIn: boolean;
  /** For imported templates: the text fields it fills and the checkboxes it ticks, in the PDF's order. */
  fields: string[];
  createdAt: string | null;
  size: number | null;
}

/** A cover page as it will be sent to one recipient (null when that recipient gets none). */
export interface CoverPreview {
  template: string | null;
  pdfBase64: string | null;
  /** Pages sent to that recipient: the document, plus the cover when there is one. */
  pages: number;
  /** Who the preview is for ("Ann Example", "+12025550143"), and why there is no cover when there is none. */
  recipient: string | null;
  reason: string | null;
}
