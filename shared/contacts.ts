import * as z from 'zod';

/** Phone book types and input rules, shared by the store, REST, /rpc and the window. */
export const COVER_POLICIES = ['default', 'always', 'never'] as const;
export type CoverPolicy = (typeof COVER_POLICIES)[number];

const text = (max: number) => z.string().trim().max(max).default('');

export const ContactInputSchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(200),
  company: text(200),
  fax: z.string().trim().min(1, 'fax is required').max(64),
  voice: text(64),
  email: z.union([z.literal(''), z.email('email is not an email address')]).default(''),
  notes: text(2000),
  coverPolicy: z.enum(COVER_POLICIES).default('default'),
  /** Group ids this contact belongs to; omitted on update = unchanged. */
  groupIds: z.array(z.string().min(1).max(64)).max(100).optional(),
});
export type ContactInput = z.input<typeof ContactInputSchema>;
export type ContactFields = z.output<typeof ContactInputSchema>;

export interface ContactView {
  id: string;
  name: string;
  company: string;
  /** As typed (kept for display); `faxE164` is what is dialled. */
  fax: string;
  faxE164: string;
  voice: string;
  email: string;
  notes: string;
  coverPolicy: CoverPolicy;
  groupIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ContactPage {
  items: ContactView[];
  total: number;
}

export const GroupInputSchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(100),
  contactIds: z.array(z.string().min(1).max(64)).max(10_000).default([]),
});
export type GroupInput = z.input<typeof GroupInputSchema>;

export interface GroupView {
  id: string;
  name: string;
  contactIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** A number the office sent to lately, with how often (recent and frequent numbers in Send). */
export interface RecentNumber {
  e164: string;
  count: number;
  lastSentAt: string;
  contactName: string | null;
}

export interface ImportRowError {
  /** 1-based line of the CSV (the header is line 1) or 1-based card number of a vCard file. */
  row: number;
  message: string;
}

export interface ImportResult {
  imported: number;
  groupsCreated: number;
}

/** The CSV columns, in export order; import accepts them in any order and case. */
export const CSV_COLUMNS = ['name', 'company', 'fax', 'voice', 'email', 'notes', 'cover', 'groups'] as const;
