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

/** What a send asks for: a template, and the subject and note typed in Send. */
export interface CoverRequest {
  template: CoverTemplate;
  subject?: string;
  note?: string;
  checks?: CoverCheck[];
}

export function isCoverTemplate(value: string): value is CoverTemplate {
  return (COVER_TEMPLATES as readonly string[]).includes(value);
}
