import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { FAX_RESOLUTIONS, type FaxResolution } from '../../../shared/settings';
import { JOB_STATUSES } from '../../../shared/status';
import type { BatchView, JobView } from '../../../shared/types';
import { MAX_RECIPIENTS } from '../../../shared/recipients';
import { COVER_TEMPLATES, type CoverRequest } from '../../../shared/cover';
import { confirmationReport, sendOne, sendToMany } from '../services/batch-send';
import { AppError } from '../services/errors';
import type { GatewayCore } from '../core';
import type { StagedUpload } from '../services/intake';
import type { JobRow } from '../store/types';
import { S3StoreError } from '../storage/s3-store';
import { noStore, requireScope } from './auth';
import { registerCoverPreviewRoute } from './cover-routes';
import { parseInput } from './validate';

/** Faxbot's FaxJobOut field names first (clients read these), then our richer fields. */
export function faxJobOut(job: JobView) {
  return {
    id: job.id,
    to: job.to,
    status: job.faxbotStatus,
    error: job.error,
    pages: job.pages,
    backend: job.backend,
    provider_sid: job.providerId,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    state: job.status,
    to_e164: job.toE164,
    test_mode: job.testMode,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    next_attempt_at: job.nextAttemptAt,
    failure_class: job.failureClass,
    provider_status: job.providerStatus,
    file_name: job.fileName,
    batch_id: job.batchId,
    send_at: job.sendAt,
    cover_template: job.coverTemplate,
    api_key_id: job.apiKeyId,
    sent_by: job.sentBy,
  };
}

/**
 * Reads the multipart form in whatever order the client sent it (curl users often put the file
 * first). A bad `to` seen before the file is refused before the file is stored.
 */
async function readUpload(core: GatewayCore, request: FastifyRequest, apiKeyId: string | null): Promise<JobView> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_type', "Send multipart/form-data with a 'to' field and a 'file' part");
  }
  let to: string | null = null;
  let resolution: FaxResolution | undefined;
  let sendAt: string | null = null;
  const coverFields: CoverFields = {};
  let staged: StagedUpload | null = null;
  try {
    // One byte over the cap lets intake see the overflow and answer Faxbot's 413 text itself.
    const fileSize = core.settings.current.maxFileSizeMb * 1024 * 1024 + 1;
    const parts = request.parts({
      limits: { fields: 20, fieldSize: 64 * 1024, files: 1, parts: 40, headerPairs: 200, fileSize },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldname === 'to' && to === null) {
          to = String(part.value);
          if (!staged) core.intake.normalize(to);
        } else if (part.fieldname === 'resolution') {
          const value = String(part.value).trim().toLowerCase();
          if (!(FAX_RESOLUTIONS as readonly string[]).includes(value))
            throw new AppError('bad_request', "resolution must be 'fine' or 'standard'");
          resolution = value as FaxResolution;
        }
        if (part.fieldname === 'send_at') sendAt = String(part.value);
        if (part.fieldname === 'cover' || part.fieldname === 'subject' || part.fieldname === 'note')
          coverFields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file' || staged) {
        part.file.resume();
        continue;
      }
      staged = await core.intake.stageUpload({ fileName: part.filename, stream: part.file });
    }
  } catch (error) {
    if (staged) await core.intake.discard(staged);
    throw error;
  }
  if (to === null) {
    if (staged) await core.intake.discard(staged);
    throw new AppError('bad_request', "Missing form field 'to'");
  }
  if (!staged) throw new AppError('bad_request', "Missing file part 'file'");
  let scheduled: number | null;
  let cover: CoverRequest | null;
  try {
    scheduled = core.intake.scheduleTime(sendAt);
    cover = coverRequest(core, coverFields);
  } catch (error) {
    await core.intake.discard(staged);
    throw error;
  }
  if (!cover) return core.intake.commitUpload(staged, to, apiKeyId, { sendAt: scheduled, resolution });
  // A cover page is composed with the document, as the window does; the plain Faxbot path stays as it was.
  try {
    const bytes = staged.bytes ?? (await readFile(staged.uploadPath));
    return await sendOne(core, {
      to,
      documents: [{ name: staged.fileName ?? `fax.${staged.kind}`, bytes }],
      apiKeyId,
      sendAt: scheduled,
      cover,
      resolution,
    });
  } finally {
    await core.intake.discard(staged);
  }
}

type CoverFields = { cover?: string; subject?: string; note?: string };

/**
 * `cover` names a template (`standard` always exists, or one an admin imported); a subject or note
 * alone asks for the standard one.
 */
function coverRequest(core: GatewayCore, fields: CoverFields): CoverRequest | null {
  const name = fields.cover?.trim();
  if (!name && !fields.subject && !fields.note) return null;
  const template = name ? core.covers.resolve(name) : 'standard';
  if ((fields.subject?.length ?? 0) > 200) throw new AppError('bad_request', "'subject' is longer than 200 characters");
  if ((fields.note?.length ?? 0) > 4000) throw new AppError('bad_request', "'note' is longer than 4000 characters");
  return { template, subject: fields.subject, note: fields.note };
}

/** The text fields of POST /fax/batch (besides the file part); repeated fields arrive as lists. */
export const BatchForm = z.object({
  to: z.array(z.string().max(64)).max(MAX_RECIPIENTS).describe('A fax number; repeat the field for each recipient'),
  group: z.array(z.string().max(100)).max(MAX_RECIPIENTS).describe("A group's id or name; repeat for several"),
  send_at: z.string().max(64).optional().describe('ISO-8601 time to send at (not before)'),
  // Cover fields are checked by coverRequest, with its sentences.
  cover: z
    .string()
    .optional()
    .describe(`Cover page template: ${COVER_TEMPLATES.join(', ')}, or one imported under /admin/cover-templates`),
  subject: z.string().optional().describe('Cover page subject (up to 200 characters)'),
  note: z.string().optional().describe('Cover page note (up to 4000 characters)'),
});

/**
 * POST /fax/batch: the same form as POST /fax, with `to` repeated and/or `group` (a group's id or
 * name). The file is read once; the recipients are checked before anything is queued.
 */
async function readBatch(core: GatewayCore, request: FastifyRequest, apiKeyId: string | null): Promise<BatchView> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_type', "Send multipart/form-data with 'to' and/or 'group' fields and a 'file' part");
  }
  const lists: Record<'to' | 'group', string[]> = { to: [], group: [] };
  const singles: Record<string, string> = {};
  let staged: StagedUpload | null = null;
  try {
    const fileSize = core.settings.current.maxFileSizeMb * 1024 * 1024 + 1;
    const parts = request.parts({
      limits: { fields: 400, fieldSize: 64 * 1024, files: 1, parts: 420, headerPairs: 2000, fileSize },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldname === 'to' || part.fieldname === 'group') lists[part.fieldname].push(String(part.value));
        else singles[part.fieldname] ??= String(part.value);
        continue;
      }
      if (part.fieldname !== 'file' || staged) {
        part.file.resume();
        continue;
      }
      staged = await core.intake.stageUpload({ fileName: part.filename, stream: part.file });
    }
    if (!staged) throw new AppError('bad_request', "Missing file part 'file'");
    const form = parseInput(BatchForm, { ...singles, ...lists });
    const bytes = staged.bytes ?? (await readFile(staged.uploadPath));
    return await sendToMany(core, {
      to: form.to,
      groups: form.group,
      contactIds: [],
      documents: [{ name: staged.fileName ?? `fax.${staged.kind}`, bytes }],
      apiKeyId,
      sendAt: core.intake.scheduleTime(form.send_at),
      cover: coverRequest(core, form),
    });
  } finally {
    // Each recipient's job has its own copy; the staged upload is never a job's file.
    if (staged) await core.intake.discard(staged);
  }
}

export function batchOut(batch: BatchView) {
  return {
    batch_id: batch.id,
    created_at: batch.createdAt,
    total: batch.counts.total,
    delivered: batch.counts.delivered,
    failed: batch.counts.failed,
    canceled: batch.counts.canceled,
    pending: batch.counts.pending,
    jobs: batch.jobs.map(faxJobOut),
  };
}

/** A job's fax PDF from the document store, prepared now if the outbox has not reached it yet (the result is the same file). */
export async function jobPdf(core: GatewayCore, row: JobRow): Promise<Buffer> {
  if (row.artifacts_deleted_at) throw new AppError('not_found', 'PDF not available');
  let bytes: Uint8Array | null;
  try {
    let prepared = row;
    if (!row.pdf_path || row.pages === null) {
      const { pdfRef, pages } = await core.intake.prepare(row);
      prepared = await core.jobs.savePrepared(row.id, pdfRef, pages);
    }
    bytes = await core.jobs.readPdf(prepared);
  } catch (error) {
    // Storage that does not answer (S3 down) is the gateway's trouble, not a missing document.
    if (error instanceof S3StoreError) throw error;
    bytes = null;
  }
  if (!bytes) throw new AppError('not_found', 'PDF file not found');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** GET /fax: the history, newest first, optionally one sender's faxes ("who sent it?"). */
export const FaxListQuery = z.object({
  sender: z.string().trim().min(1).max(100).optional().describe('An API key id or name (case-insensitive): only the faxes it sent'),
  state: z.enum(JOB_STATUSES).optional().describe('Only jobs in this state'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe("The previous page's next_cursor"),
});

export const FaxPdfQuery = z.object({
  token: z.string({ error: 'token query parameter is required' }).min(1, 'token query parameter is required').max(512),
});

export function registerFaxRoutes(app: FastifyInstance, core: GatewayCore): void {
  const rate = (bucket: string) => ({ bucket, limit: core.settings.current.maxRequestsPerMinute });
  registerCoverPreviewRoute(app, core);

  app.post('/fax', async (request, reply) => {
    const caller = await requireScope(core.auth, request, 'fax:send', rate('/fax'));
    const job = await readUpload(core, request, caller.keyId === 'env' ? null : caller.keyId);
    return reply.code(202).send(faxJobOut(job));
  });

  app.post('/fax/batch', async (request, reply) => {
    const caller = await requireScope(core.auth, request, 'fax:send', rate('/fax'));
    const batch = await readBatch(core, request, caller.keyId === 'env' ? null : caller.keyId);
    return reply.code(202).send(batchOut(batch));
  });

  app.get('/fax', async (request) => {
    await requireScope(core.auth, request, 'fax:read', rate('/fax/{id}'));
    const query = parseInput(FaxListQuery, request.query);
    const page = await core.jobs.list({
      sender: query.sender,
      status: query.state ? [query.state] : undefined,
      cursor: query.cursor,
      limit: query.limit,
    });
    return { items: page.items.map(faxJobOut), next_cursor: page.nextCursor, total: page.total };
  });

  app.get<{ Params: { id: string } }>('/fax/batch/:id', async (request) => {
    await requireScope(core.auth, request, 'fax:read', rate('/fax/{id}'));
    return batchOut(await core.jobs.batch(request.params.id));
  });

  app.get<{ Params: { id: string } }>('/fax/:id/report.pdf', async (request, reply) => {
    await requireScope(core.auth, request, 'fax:read', rate('/fax/{id}'));
    const pdf = await confirmationReport(core, request.params.id);
    return noStore(reply)
      .type('application/pdf')
      .header('content-disposition', `inline; filename="fax-report-${request.params.id.replace(/[^\w-]/g, '')}.pdf"`)
      .send(Buffer.from(pdf));
  });

  app.get<{ Params: { id: string } }>('/fax/:id', async (request) => {
    await requireScope(core.auth, request, 'fax:read', rate('/fax/{id}'));
    return faxJobOut(await core.jobs.get(request.params.id));
  });

  /** The provider's fetch of the document: no API key, a short-lived token instead. */
  app.get<{ Params: { id: string } }>('/fax/:id/pdf', async (request, reply) => {
    const { token } = parseInput(FaxPdfQuery, request.query);
    const row = await core.jobs.row(request.params.id);
    const verdict = await core.tokens.check('job', row.id, token);
    if (verdict === 'invalid') throw new AppError('forbidden', 'Invalid token');
    if (verdict === 'expired') throw new AppError('forbidden', 'Token expired');
    const bytes = await jobPdf(core, row);
    core.audit.record('pdf_served', { job_id: row.id });
    return noStore(reply).type('application/pdf').header('content-disposition', `inline; filename="fax_${row.id}.pdf"`).send(bytes);
  });
}
