import {
  ContactInputSchema,
  GroupInputSchema,
  type ContactInput,
  type ContactPage,
  type ContactView,
  type GroupInput,
  type GroupView,
  type ImportResult,
  type ImportRowError,
  type RecentNumber,
} from '../../../shared/contacts';
import { describeIssues } from '../../../shared/validation';
import type { Db } from '../store/db';
import type { AuditLog } from './audit';
import { contactsToCsv, contactsToVcards, parseContactsFile } from './contacts-io';
import { AppError, badRequest, conflict, notFound } from './errors';

interface ContactRow {
  id: string;
  name: string;
  company: string;
  fax_input: string;
  fax_e164: string;
  voice: string;
  email: string;
  notes: string;
  cover_policy: ContactView['coverPolicy'];
  created_at: number;
  updated_at: number;
}

interface GroupRow {
  id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

/** An import that is refused as a whole; every row's problem is listed so the file can be fixed once. */
export class ImportRejected extends AppError {
  constructor(readonly errors: ImportRowError[]) {
    const shown = errors
      .slice(0, 5)
      .map((e) => `row ${e.row}: ${e.message}`)
      .join('; ');
    const more = errors.length > 5 ? `; and ${errors.length - 5} more` : '';
    super(
      'bad_request',
      `Nothing was imported: ${errors.length} row${errors.length === 1 ? ' has a problem' : 's have problems'} (${shown}${more})`,
    );
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const digitsOf = (value: string) => value.replace(/\D/g, '');

export interface ContactsDeps {
  db: Db;
  now: () => number;
  newId: () => string;
  audit: AuditLog;
  /** The gateway's number rule (default region, the same one Send uses); throws a readable AppError. */
  normalize: (number: string) => { input: string; e164: string };
}

export class ContactsService {
  private readonly stmt;

  constructor(private readonly deps: ContactsDeps) {
    const { db } = deps;
    this.stmt = {
      get: db.prepare('SELECT * FROM contacts WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO contacts (id, name, company, fax_input, fax_e164, voice, email, notes, cover_policy, search_text, created_at, updated_at)
         VALUES (@id, @name, @company, @fax_input, @fax_e164, @voice, @email, @notes, @cover_policy, @search_text, @now, @now)`,
      ),
      update: db.prepare(
        `UPDATE contacts SET name = @name, company = @company, fax_input = @fax_input, fax_e164 = @fax_e164, voice = @voice,
           email = @email, notes = @notes, cover_policy = @cover_policy, search_text = @search_text, updated_at = @now WHERE id = @id`,
      ),
      delete: db.prepare('DELETE FROM contacts WHERE id = ?'),
      groupsOf: db.prepare('SELECT group_id FROM contact_group_members WHERE contact_id = ? ORDER BY group_id').pluck(),
      clearMemberships: db.prepare('DELETE FROM contact_group_members WHERE contact_id = ?'),
      addMember: db.prepare('INSERT OR IGNORE INTO contact_group_members (group_id, contact_id) VALUES (?, ?)'),
      group: db.prepare('SELECT * FROM contact_groups WHERE id = ?'),
      groupByName: db.prepare('SELECT * FROM contact_groups WHERE name = ?'),
      groups: db.prepare('SELECT * FROM contact_groups ORDER BY name COLLATE NOCASE'),
      members: db.prepare('SELECT contact_id FROM contact_group_members WHERE group_id = ?').pluck(),
      allMemberships: db.prepare('SELECT group_id, contact_id FROM contact_group_members'),
      insertGroup: db.prepare('INSERT INTO contact_groups (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)'),
      renameGroup: db.prepare('UPDATE contact_groups SET name = ?, updated_at = ? WHERE id = ?'),
      clearGroup: db.prepare('DELETE FROM contact_group_members WHERE group_id = ?'),
      deleteGroup: db.prepare('DELETE FROM contact_groups WHERE id = ?'),
      contactExists: db.prepare('SELECT 1 FROM contacts WHERE id = ?').pluck(),
      faxesNamed: db.prepare('SELECT fax_e164 FROM contacts WHERE name = ? COLLATE NOCASE').pluck(),
      nameForNumber: db.prepare('SELECT name FROM contacts WHERE fax_e164 = ? ORDER BY name COLLATE NOCASE LIMIT 1').pluck(),
      recent: db.prepare(
        `SELECT to_e164 AS e164, COUNT(*) AS count, MAX(created_at) AS last FROM
           (SELECT to_e164, created_at FROM jobs ORDER BY created_at DESC LIMIT 2000)
         GROUP BY to_e164`,
      ),
    };
  }

  private view(row: ContactRow, groupIds = this.stmt.groupsOf.all(row.id) as string[]): ContactView {
    return {
      id: row.id,
      name: row.name,
      company: row.company,
      fax: row.fax_input,
      faxE164: row.fax_e164,
      voice: row.voice,
      email: row.email,
      notes: row.notes,
      coverPolicy: row.cover_policy,
      groupIds,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
  }

  /** Validates and normalises one contact; the message names the field, for a person to fix. */
  private fields(input: unknown) {
    const parsed = ContactInputSchema.safeParse(input);
    if (!parsed.success) throw badRequest(describeIssues(parsed.error.issues));
    const c = parsed.data;
    let fax: { input: string; e164: string };
    try {
      fax = this.deps.normalize(c.fax);
    } catch (error) {
      throw badRequest((error as Error).message.replace(/^'to'/, 'fax'));
    }
    return {
      row: {
        name: c.name,
        company: c.company,
        fax_input: fax.input,
        fax_e164: fax.e164,
        voice: c.voice,
        email: c.email,
        notes: c.notes,
        cover_policy: c.coverPolicy,
        search_text: `${c.name} ${c.company}`.toLowerCase() + ` ${digitsOf(fax.e164)} ${digitsOf(c.voice)}`,
      },
      groupIds: c.groupIds,
    };
  }

  private setGroups(contactId: string, groupIds: string[]): void {
    for (const groupId of groupIds) if (!this.stmt.group.get(groupId)) throw badRequest(`No group with id ${groupId.slice(0, 64)}`);
    this.stmt.clearMemberships.run(contactId);
    for (const groupId of groupIds) this.stmt.addMember.run(groupId, contactId);
  }

  get(id: string): ContactView {
    const row = this.stmt.get.get(id) as ContactRow | undefined;
    if (!row) throw notFound('Contact not found');
    return this.view(row);
  }

  create(input: ContactInput | unknown): ContactView {
    const { row, groupIds } = this.fields(input);
    const id = this.deps.newId();
    this.deps.db.transaction(() => {
      this.stmt.insert.run({ ...row, id, now: this.deps.now() });
      if (groupIds) this.setGroups(id, groupIds);
    })();
    this.deps.audit.record('contact_created', { contact_id: id });
    return this.get(id);
  }

  update(id: string, input: ContactInput | unknown): ContactView {
    this.get(id);
    const { row, groupIds } = this.fields(input);
    this.deps.db.transaction(() => {
      this.stmt.update.run({ ...row, id, now: this.deps.now() });
      if (groupIds) this.setGroups(id, groupIds);
    })();
    this.deps.audit.record('contact_updated', { contact_id: id });
    return this.get(id);
  }

  remove(id: string): void {
    if (this.stmt.delete.run(id).changes === 0) throw notFound('Contact not found');
    this.deps.audit.record('contact_deleted', { contact_id: id });
  }

  /**
   * Name, company or digits, as typed in Send's number field. Names starting with the text come
   * first, then other matches, alphabetically; one LIKE over `search_text`.
   */
  list(query: { search?: string; groupId?: string; limit: number; offset?: number }): ContactPage {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit, offset: query.offset ?? 0 };
    const search = query.search?.trim().toLowerCase() ?? '';
    if (search) {
      const digits = digitsOf(search);
      const isNumber = /^[\d\s()+.-]+$/.test(search) && digits.length > 0;
      // LIKE wildcards typed by a person are literal characters.
      const needle = (isNumber ? digits : search).replace(/[\\%_]/g, (ch) => `\\${ch}`);
      where.push("search_text LIKE @like ESCAPE '\\'");
      params.like = `%${needle}%`;
      params.prefix = `${needle}%`;
    }
    if (query.groupId) {
      where.push('id IN (SELECT contact_id FROM contact_group_members WHERE group_id = @groupId)');
      params.groupId = query.groupId;
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = search
      ? "ORDER BY (search_text LIKE @prefix ESCAPE '\\') DESC, name COLLATE NOCASE, id"
      : 'ORDER BY name COLLATE NOCASE, id';
    const db = this.deps.db;
    const rows = db.prepare(`SELECT * FROM contacts ${filter} ${order} LIMIT @limit OFFSET @offset`).all(params) as ContactRow[];
    const countParams = { ...params };
    delete countParams.limit;
    delete countParams.offset;
    delete countParams.prefix;
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM contacts ${filter}`).get(countParams) as { n: number }).n;
    return { items: rows.map((r) => this.view(r)), total };
  }

  /** Contact names for numbers shown in Jobs and Inbox (E.164 in, name out; unknown numbers omitted). */
  namesFor(numbers: string[]): Record<string, string> {
    const names: Record<string, string> = {};
    for (const number of new Set(numbers)) {
      const name = this.stmt.nameForNumber.get(number) as string | undefined;
      if (name) names[number] = name;
    }
    return names;
  }

  contactForNumber(e164: string): ContactView | null {
    const row = this.deps.db.prepare('SELECT * FROM contacts WHERE fax_e164 = ? ORDER BY name COLLATE NOCASE LIMIT 1').get(e164) as
      ContactRow | undefined;
    return row ? this.view(row) : null;
  }

  /** Recent (by last send) or frequent (by count) numbers among the last 2,000 jobs. */
  recentNumbers(order: 'recent' | 'frequent', limit: number): RecentNumber[] {
    const rows = this.stmt.recent.all() as { e164: string; count: number; last: number }[];
    rows.sort((a, b) => (order === 'frequent' ? b.count - a.count || b.last - a.last : b.last - a.last));
    const top = rows.slice(0, limit);
    const names = this.namesFor(top.map((r) => r.e164));
    return top.map((r) => ({ e164: r.e164, count: r.count, lastSentAt: iso(r.last), contactName: names[r.e164] ?? null }));
  }

  private groupView(row: GroupRow): GroupView {
    return {
      id: row.id,
      name: row.name,
      contactIds: this.stmt.members.all(row.id) as string[],
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
  }

  listGroups(): GroupView[] {
    return (this.stmt.groups.all() as GroupRow[]).map((g) => this.groupView(g));
  }

  getGroup(id: string): GroupView {
    const row = this.stmt.group.get(id) as GroupRow | undefined;
    if (!row) throw notFound('Group not found');
    return this.groupView(row);
  }

  /**
   * The fax numbers a name stands for (a `@@fax:NAME@@` tag): one contact with exactly that name,
   * ignoring case, or every member of a group with that name. Unknown or ambiguous names throw.
   */
  faxNumbersNamed(name: string): string[] {
    const shown = name.slice(0, 100);
    const contactFaxes = this.stmt.faxesNamed.all(name) as string[];
    if (contactFaxes.length > 1) throw badRequest(`${contactFaxes.length} contacts are named '${shown}'`);
    if (contactFaxes[0]) return contactFaxes;
    const group = this.stmt.groupByName.get(name) as GroupRow | undefined;
    if (!group) throw notFound(`No contact named '${shown}'`);
    const members = (this.stmt.members.all(group.id) as string[]).map((id) => this.get(id).faxE164);
    if (members.length === 0) throw badRequest(`The group '${group.name}' has no contacts`);
    return [...new Set(members)];
  }

  /** A group by id, or by its name (REST clients send `group=Branch offices`). */
  findGroup(idOrName: string): GroupView {
    const row = (this.stmt.group.get(idOrName) ?? this.stmt.groupByName.get(idOrName.trim())) as GroupRow | undefined;
    if (!row) throw notFound(`No group called "${idOrName.slice(0, 100)}"`);
    return this.groupView(row);
  }

  private groupFields(input: unknown) {
    const parsed = GroupInputSchema.safeParse(input);
    if (!parsed.success) throw badRequest(describeIssues(parsed.error.issues));
    for (const id of parsed.data.contactIds)
      if (!this.stmt.contactExists.get(id)) throw badRequest(`No contact with id ${id.slice(0, 64)}`);
    return parsed.data;
  }

  private uniqueName(name: string, except?: string): void {
    const existing = this.stmt.groupByName.get(name) as GroupRow | undefined;
    if (existing && existing.id !== except) throw conflict(`A group called "${name}" already exists`);
  }

  createGroup(input: GroupInput | unknown): GroupView {
    const { name, contactIds } = this.groupFields(input);
    this.uniqueName(name);
    const id = this.deps.newId();
    this.deps.db.transaction(() => {
      this.stmt.insertGroup.run(id, name, this.deps.now(), this.deps.now());
      for (const contactId of contactIds) this.stmt.addMember.run(id, contactId);
    })();
    this.deps.audit.record('group_created', { group_id: id });
    return this.getGroup(id);
  }

  updateGroup(id: string, input: GroupInput | unknown): GroupView {
    this.getGroup(id);
    const { name, contactIds } = this.groupFields(input);
    this.uniqueName(name, id);
    this.deps.db.transaction(() => {
      this.stmt.renameGroup.run(name, this.deps.now(), id);
      this.stmt.clearGroup.run(id);
      for (const contactId of contactIds) this.stmt.addMember.run(id, contactId);
    })();
    return this.getGroup(id);
  }

  removeGroup(id: string): void {
    if (this.stmt.deleteGroup.run(id).changes === 0) throw notFound('Group not found');
    this.deps.audit.record('group_deleted', { group_id: id });
  }

  /**
   * CSV or vCard text. Every row is checked first; if any row is wrong nothing is written and each
   * problem is reported with its row. Groups named in the file are created as needed.
   */
  import(text: string): ImportResult {
    if (!text.trim()) throw badRequest('The file is empty');
    const parsed = parseContactsFile(text);
    const errors = [...parsed.errors];
    const rows = parsed.contacts.flatMap((contact) => {
      try {
        return [{ ...this.fields(contact.input), groups: contact.groups }];
      } catch (error) {
        errors.push({ row: contact.row, message: (error as Error).message });
        return [];
      }
    });
    if (errors.length === 0 && rows.length === 0) errors.push({ row: 1, message: 'The file has no contacts in it' });
    if (errors.length > 0) throw new ImportRejected(errors.sort((a, b) => a.row - b.row));
    let groupsCreated = 0;
    this.deps.db.transaction(() => {
      const now = this.deps.now();
      for (const { row, groups } of rows) {
        const id = this.deps.newId();
        this.stmt.insert.run({ ...row, id, now });
        for (const groupName of groups) {
          let group = this.stmt.groupByName.get(groupName) as GroupRow | undefined;
          if (!group) {
            group = { id: this.deps.newId(), name: groupName, created_at: now, updated_at: now };
            this.stmt.insertGroup.run(group.id, group.name, now, now);
            groupsCreated += 1;
          }
          this.stmt.addMember.run(group.id, id);
        }
      }
    })();
    this.deps.audit.record('contacts_imported', { count: rows.length });
    return { imported: rows.length, groupsCreated };
  }

  private everything(): { contacts: ContactView[]; groupNames: Map<string, string> } {
    const memberships = new Map<string, string[]>();
    for (const m of this.stmt.allMemberships.all() as { group_id: string; contact_id: string }[]) {
      memberships.set(m.contact_id, [...(memberships.get(m.contact_id) ?? []), m.group_id]);
    }
    const rows = this.deps.db.prepare('SELECT * FROM contacts ORDER BY name COLLATE NOCASE, id').all() as ContactRow[];
    const contacts = rows.map((row) => this.view(row, memberships.get(row.id) ?? []));
    const groupNames = new Map((this.stmt.groups.all() as GroupRow[]).map((g) => [g.id, g.name]));
    return { contacts, groupNames };
  }

  exportCsv(): string {
    const { contacts, groupNames } = this.everything();
    return contactsToCsv(contacts, groupNames);
  }

  exportVcards(): string {
    const { contacts, groupNames } = this.everything();
    return contactsToVcards(contacts, groupNames);
  }
}
