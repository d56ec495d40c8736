import Papa from 'papaparse';
import { CSV_COLUMNS, type ContactInput, type ContactView, type ImportRowError } from '../../../shared/contacts';

/** A parsed row before validation: the contact's fields and the group names it should join. */
export interface ParsedContact {
  row: number;
  input: ContactInput;
  groups: string[];
}

export interface ParsedFile {
  contacts: ParsedContact[];
  errors: ImportRowError[];
}

const COVER_WORDS: Record<string, ContactInput['coverPolicy']> = {
  '': 'default',
  default: 'default',
  always: 'always',
  yes: 'always',
  never: 'never',
  no: 'never',
};

const splitGroups = (value: string) =>
  value
    .split(/[;|]/)
    .map((g) => g.trim())
    .filter(Boolean);

/** CSV with a header row; column names are matched without regard to case or spaces ("Fax number" = fax). */
export function parseContactsCsv(text: string): ParsedFile {
  const result = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (header) => {
      const key = header.trim().toLowerCase().replace(/\s+/g, ' ');
      const aliases: Record<string, string> = { 'fax number': 'fax', 'voice number': 'voice', phone: 'voice', 'cover page': 'cover' };
      return aliases[key] ?? key;
    },
  });
  const errors: ImportRowError[] = result.errors.map((e) => ({ row: (e.row ?? 0) + 2, message: e.message }));
  const fields = result.meta.fields ?? [];
  if (!fields.includes('name') || !fields.includes('fax')) {
    return {
      contacts: [],
      errors: [{ row: 1, message: `The header row needs at least "name" and "fax" columns (found: ${fields.join(', ') || 'none'})` }],
    };
  }
  const contacts = result.data.map((record, index): ParsedContact => {
    const get = (key: string) => (record[key] ?? '').trim();
    const cover = COVER_WORDS[get('cover').toLowerCase()];
    if (cover === undefined) errors.push({ row: index + 2, message: 'cover must be always, never or empty' });
    return {
      row: index + 2,
      input: {
        name: get('name'),
        company: get('company'),
        fax: get('fax'),
        voice: get('voice'),
        email: get('email'),
        notes: get('notes'),
        coverPolicy: cover ?? 'default',
      },
      groups: splitGroups(get('groups')),
    };
  });
  return { contacts, errors };
}

/** A leading = + - @ would run as a formula in a spreadsheet: quote it harmlessly (phone numbers such as +1 202 555 0143 stay). */
export function spreadsheetSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) && !/^\+\d[\d\s().-]*$/.test(cell) ? `'${cell}` : cell;
}

export function contactsToCsv(contacts: ContactView[], groupNames: Map<string, string>): string {
  const rows = contacts.map((c) => [
    c.name,
    c.company,
    c.faxE164,
    c.voice,
    c.email,
    c.notes,
    c.coverPolicy === 'default' ? '' : c.coverPolicy,
    c.groupIds
      .map((id) => groupNames.get(id))
      .filter(Boolean)
      .join('; '),
  ]);
  return Papa.unparse({ fields: [...CSV_COLUMNS], data: rows.map((row) => row.map(spreadsheetSafe)) }, { newline: '\r\n' });
}

/** vCard 3.0/4.0 text: unfolds continuation lines, reads FN/N, ORG, TEL (fax by TYPE), EMAIL, NOTE, CATEGORIES. */
export function parseVcards(text: string): ParsedFile {
  const lines = text
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]/g, '')
    .split('\n');
  const contacts: ParsedContact[] = [];
  const errors: ImportRowError[] = [];
  let card: { fields: { name: string; params: string; value: string }[] } | null = null;
  let number = 0;
  for (const line of lines) {
    if (/^BEGIN:VCARD$/i.test(line.trim())) {
      card = { fields: [] };
      number += 1;
      continue;
    }
    if (/^END:VCARD$/i.test(line.trim())) {
      if (card) contacts.push(cardToContact(card.fields, number));
      card = null;
      continue;
    }
    if (!card) continue;
    const match = /^(?:[\w-]+\.)?([A-Za-z-]+)((?:;[^:]*)?):(.*)$/.exec(line);
    if (match) card.fields.push({ name: (match[1] ?? '').toUpperCase(), params: (match[2] ?? '').toUpperCase(), value: match[3] ?? '' });
  }
  if (number === 0) errors.push({ row: 1, message: 'No BEGIN:VCARD ... END:VCARD card found' });
  return { contacts, errors };
}

const unescapeVcard = (value: string) => value.replace(/\\n/gi, '\n').replace(/\\([,;\\])/g, '$1');
const escapeVcard = (value: string) =>
  value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/([,;])/g, '\\$1');

function cardToContact(fields: { name: string; params: string; value: string }[], row: number): ParsedContact {
  const first = (name: string) => fields.find((f) => f.name === name)?.value ?? '';
  const tels = fields.filter((f) => f.name === 'TEL');
  const fax = tels.find((t) => t.params.includes('FAX'));
  const voice = tels.find((t) => !t.params.includes('FAX'));
  const structured = first('N')
    .split(/(?<!\\);/)
    .map(unescapeVcard);
  const name = unescapeVcard(first('FN')) || [structured[1], structured[0]].filter(Boolean).join(' ');
  const cover = fields.find((f) => f.name === 'X-FAXBOT-COVER')?.value.toLowerCase() ?? '';
  return {
    row,
    input: {
      name,
      company: unescapeVcard(first('ORG').split(/(?<!\\);/)[0] ?? ''),
      fax: (fax?.value ?? '').replace(/^tel:/i, ''),
      voice: (voice?.value ?? '').replace(/^tel:/i, ''),
      email: first('EMAIL'),
      notes: unescapeVcard(first('NOTE')),
      coverPolicy: COVER_WORDS[cover] ?? 'default',
    },
    groups: first('CATEGORIES')
      .split(/(?<!\\),/)
      .map((g) => unescapeVcard(g).trim())
      .filter(Boolean),
  };
}

export function contactsToVcards(contacts: ContactView[], groupNames: Map<string, string>): string {
  return contacts
    .map((c) => {
      const groups = c.groupIds.map((id) => groupNames.get(id)).filter((g): g is string => Boolean(g));
      const lines = [
        'BEGIN:VCARD',
        'VERSION:3.0',
        `FN:${escapeVcard(c.name)}`,
        `N:${escapeVcard(c.name)};;;;`,
        c.company && `ORG:${escapeVcard(c.company)}`,
        `TEL;TYPE=WORK,FAX:${c.faxE164}`,
        c.voice && `TEL;TYPE=WORK,VOICE:${c.voice}`,
        c.email && `EMAIL;TYPE=INTERNET:${c.email}`,
        c.notes && `NOTE:${escapeVcard(c.notes)}`,
        groups.length > 0 && `CATEGORIES:${groups.map(escapeVcard).join(',')}`,
        c.coverPolicy !== 'default' && `X-FAXBOT-COVER:${c.coverPolicy}`,
        'END:VCARD',
      ];
      return lines.filter(Boolean).join('\r\n');
    })
    .join('\r\n');
}

/** vCard if the text starts with a card, CSV otherwise. */
export function parseContactsFile(text: string): ParsedFile {
  return /^\uFEFF?\s*BEGIN:VCARD/i.test(text) ? parseVcards(text) : parseContactsCsv(text);
}
