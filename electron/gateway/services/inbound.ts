import { createHash } from 'node:crypto';
import type { InboundListQuery } from '../../../shared/contract';
import type { InboundPage, InboundView } from '../../../shared/types';
import type { MediaTokens } from '../security/media-tokens';
import type { StoredDocuments } from '../storage/artifact-store';
import type { Db } from '../store/db';
import type { AuditLog } from './audit';
import { badRequest, notFound } from './errors';
import type { EventBus } from './event-bus';
import type { SettingsService } from './settings';

interface InboundRow {
  id: string;
  backend: string;
  provider_id: string;
  from_number: string;
  to_number: string;
  status: string;
  pages: number | null;
  size_bytes: number | null;
  sha256: string | null;
  storage_key: string | null;
  read_at: number | null;
  archived_at: number | null;
  retention_until: number | null;
  deleted_at: number | null;
  received_at: number;
  updated_at: number;
  title: string | null;
  note: string | null;
  assignee: string | null;
}

export interface ReceivedFax {
  backend: string;
  providerId: string;
  from: string;
  to: string;
  pages: number | null;
  status?: string;
  pdf: Uint8Array;
}

const iso = (ms: number) => new Date(ms).toISOString();

function view(row: InboundRow): InboundView {
  return {
    id: row.id,
    from: row.from_number,
    to: row.to_number,
    status: row.deleted_at ? 'deleted' : row.status,
    backend: row.backend,
    pages: row.pages,
    sizeBytes: row.size_bytes,
    providerId: row.provider_id,
    read: row.read_at !== null,
    archived: row.archived_at !== null,
    receivedAt: iso(row.received_at),
    title: row.title,
    note: row.note,
    assignee: row.assignee,
  };
}

/** Faxbot's InboundFaxOut field names, for the REST door. */
export function faxbotInbound(v: InboundView & { updatedAt?: string }) {
  return {
    id: v.id,
    fr: v.from,
    to: v.to,
    status: v.status,
    backend: v.backend,
    pages: v.pages,
    size_bytes: v.sizeBytes,
    created_at: v.receivedAt,
    received_at: v.receivedAt,
    updated_at: v.updatedAt ?? v.receivedAt,
    mailbox: null,
    read: v.read,
  };
}

export class InboundService {
  private readonly sql;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly newId: () => string,
    private readonly documents: StoredDocuments,
    private readonly tokens: MediaTokens,
    private readonly settings: SettingsService,
    private readonly events: EventBus,
    private readonly audit: AuditLog,
    private readonly publicUrl: () => string | null,
  ) {
    this.sql = {
      byProvider: db.prepare('SELECT * FROM inbound_faxes WHERE backend = ? AND provider_id = ?'),
      get: db.prepare('SELECT * FROM inbound_faxes WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO inbound_faxes (id, backend, provider_id, from_number, to_number, status, pages, size_bytes, sha256,
           storage_key, retention_until, received_at, updated_at)
         VALUES (@id, @backend, @providerId, @from, @to, @status, @pages, @size, @sha256, @key, @retention, @now, @now)
         ON CONFLICT (backend, provider_id) DO NOTHING`,
      ),
      setRead: db.prepare('UPDATE inbound_faxes SET read_at = ?, updated_at = ? WHERE id = ?'),
      setArchived: db.prepare('UPDATE inbound_faxes SET archived_at = ?, updated_at = ? WHERE id = ?'),
      unread: db.prepare('SELECT COUNT(*) AS n FROM inbound_faxes WHERE read_at IS NULL AND archived_at IS NULL AND deleted_at IS NULL'),
    };
  }

  private row(id: string): InboundRow {
    const row = this.sql.get.get(id) as InboundRow | undefined;
    if (!row) throw notFound('Inbound fax not found');
    return row;
  }

  /**
   * Idempotent by (backend, provider id): a provider that retries its webhook, or two deliveries
   * racing, store one fax. Returns whether this call created it.
   */
  async receive(fax: ReceivedFax): Promise<{ created: boolean; fax: InboundView }> {
    const existing = this.sql.byProvider.get(fax.backend, fax.providerId) as InboundRow | undefined;
    if (existing) return { created: false, fax: view(existing) };
    if (fax.pdf.length === 0) throw badRequest('The inbound fax has no document');
    const id = this.newId();
    // The row remembers which store holds the file, so switching STORAGE_BACKEND strands nothing.
    const key = await this.documents.save(`${id}.pdf`, fax.pdf);
    const now = this.now();
    const retentionDays = this.settings.current.inboundRetentionDays;
    const result = this.sql.insert.run({
      id,
      backend: fax.backend,
      providerId: fax.providerId,
      from: fax.from,
      to: fax.to,
      status: fax.status ?? 'received',
      pages: fax.pages,
      size: fax.pdf.length,
      sha256: createHash('sha256').update(fax.pdf).digest('hex'),
      key,
      retention: retentionDays > 0 ? now + retentionDays * 86_400_000 : null,
      now,
    });
    if (result.changes === 0) {
      await this.documents.remove(key);
      return { created: false, fax: view(this.sql.byProvider.get(fax.backend, fax.providerId) as InboundRow) };
    }
    const created = view(this.row(id));
    this.audit.record('inbound_received', { inbound_id: id, backend: fax.backend, from: fax.from });
    this.events.emit('inbound:received', created);
    return { created: true, fax: created };
  }

  get(id: string): InboundView {
    return view(this.row(id));
  }

  /** An already stored fax for this provider id, so a repeated webhook need not fetch the document again. */
  findByProvider(backend: string, providerId: string): InboundView | null {
    const row = this.sql.byProvider.get(backend, providerId) as InboundRow | undefined;
    return row ? view(row) : null;
  }

  list(query: InboundListQuery & { to?: string; status?: string }): InboundPage {
    const where = ['1 = 1'];
    const params: unknown[] = [];
    if (!query.includeArchived) where.push('archived_at IS NULL');
    if (query.unreadOnly) where.push('read_at IS NULL');
    if (query.to) {
      where.push('to_number = ?');
      params.push(query.to);
    }
    if (query.status) {
      where.push('LOWER(status) = ?');
      params.push(query.status.toLowerCase());
    }
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM inbound_faxes WHERE ${where.join(' AND ')}`).get(...params) as { n: number })
      .n;
    if (query.cursor) {
      const [ts, id] = Buffer.from(query.cursor, 'base64url').toString().split(':');
      if (!id || !Number.isFinite(Number(ts))) throw badRequest('Invalid cursor');
      where.push('(received_at < ? OR (received_at = ? AND id < ?))');
      params.push(Number(ts), Number(ts), id);
    }
    const rows = this.db
      .prepare(`SELECT * FROM inbound_faxes WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id DESC LIMIT ?`)
      .all(...params, query.limit + 1) as InboundRow[];
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(view),
      nextCursor: rows.length > query.limit && last ? Buffer.from(`${last.received_at}:${last.id}`).toString('base64url') : null,
      total,
      unread: this.unreadCount(),
    };
  }

  unreadCount(): number {
    return (this.sql.unread.get() as { n: number }).n;
  }

  markRead(id: string, read: boolean): InboundView {
    this.row(id);
    this.sql.setRead.run(read ? this.now() : null, this.now(), id);
    const updated = this.get(id);
    this.events.emit('inbound:updated', updated);
    return updated;
  }

  archive(id: string, archived: boolean): InboundView {
    this.row(id);
    this.sql.setArchived.run(archived ? this.now() : null, this.now(), id);
    const updated = this.get(id);
    this.events.emit('inbound:updated', updated);
    return updated;
  }

  /** Rename, note, assign: empty text clears the field; fields left out are unchanged. */
  annotate(id: string, fields: { title?: string; note?: string; assignee?: string }): InboundView {
    const row = this.row(id);
    const next = (value: string | undefined, current: string | null) => (value === undefined ? current : value.trim() || null);
    this.db
      .prepare('UPDATE inbound_faxes SET title = ?, note = ?, assignee = ?, updated_at = ? WHERE id = ?')
      .run(next(fields.title, row.title), next(fields.note, row.note), next(fields.assignee, row.assignee), this.now(), id);
    const updated = this.get(id);
    this.events.emit('inbound:updated', updated);
    return updated;
  }

  async documentLink(id: string): Promise<{ url: string; expiresAt: string; token: string }> {
    const row = this.row(id);
    if (row.deleted_at || !row.storage_key) throw notFound('The document was removed by the retention policy');
    const { token, expiresAt } = await this.tokens.mint('inbound', id, this.settings.current.inboundTokenTtlMinutes);
    return { url: `${this.publicUrl() ?? ''}/inbound/${id}/pdf?token=${token}`, expiresAt: iso(expiresAt), token };
  }

  async document(id: string): Promise<Uint8Array> {
    const row = this.row(id);
    const bytes = row.storage_key && !row.deleted_at ? await this.documents.read(row.storage_key) : null;
    if (!bytes) throw notFound('PDF file not found');
    this.audit.record('inbound_pdf_served', { inbound_id: id });
    return bytes;
  }

  /** Deletes documents past their retention date; the metadata row stays, marked deleted. */
  async sweepRetention(): Promise<number> {
    const due = this.db
      .prepare('SELECT * FROM inbound_faxes WHERE deleted_at IS NULL AND retention_until IS NOT NULL AND retention_until <= ? LIMIT 500')
      .all(this.now()) as InboundRow[];
    for (const row of due) {
      if (row.storage_key) await this.documents.remove(row.storage_key);
      this.db
        .prepare('UPDATE inbound_faxes SET deleted_at = ?, storage_key = NULL, updated_at = ? WHERE id = ?')
        .run(this.now(), this.now(), row.id);
      this.audit.record('inbound_deleted', { inbound_id: row.id, reason: 'retention' });
    }
    return due.length;
  }
}
