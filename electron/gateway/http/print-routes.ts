import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { PrintJobView } from '../../../shared/types';
import type { GatewayCore } from '../core';
import { isLocalCaller } from '../security/origin';
import { AppError } from '../services/errors';
import type { Caller } from '../services/keys';
import { requireScope } from './auth';

/** REST field names follow the Faxbot API's snake_case. */
export function printJobOut(job: PrintJobView) {
  return {
    id: job.id,
    source: job.source,
    file_name: job.fileName,
    pages: job.pages,
    tag_numbers: job.tagNumbers,
    state: job.state,
    reason: job.reason,
    job_ids: job.jobIds,
    created_at: job.createdAt,
  };
}

/** `POST /print-jobs/{id}/send`: one number or a list of up to 10 (the OpenAPI document uses this schema too). */
export const PrintJobSendBody = z.object({ to: z.union([z.string().max(64), z.array(z.string().max(64)).min(1).max(10)]) });
export const PrintJobParams = z.object({ id: z.string().max(64) });
export const PrintSpoolParams = z.object({ name: z.string().max(255) });

function numbersFrom(body: unknown): string[] {
  const parsed = PrintJobSendBody.safeParse(body);
  if (!parsed.success) throw new AppError('bad_request', 'Send JSON {"to": "+15551234567"} (or a list of up to 10 numbers)');
  return [parsed.data.to].flat();
}

/**
 * Print jobs over REST: the same PrintJobsService the window, the printer and the hot folder use.
 * `POST /print-jobs/spool/:name` is the CUPS backend's poke, authenticated with the per-user
 * secret from the print folder rather than an API key.
 */
export function registerPrintRoutes(app: FastifyInstance, core: GatewayCore): void {
  const rate = (bucket: string) => ({ bucket, limit: core.settings.current.maxRequestsPerMinute });
  const keyId = (caller: Caller) => (caller.kind === 'key' ? caller.keyId : null);

  app.get('/print-jobs', async (request) => {
    await requireScope(core.auth, request, 'fax:send', rate('/print-jobs'));
    return { print_jobs: core.printJobs.list().map(printJobOut) };
  });

  /** A document with no number yet: it waits in the window (or is sent at once under the tag rule). */
  app.post('/print-jobs', async (request, reply) => {
    const caller = await requireScope(core.auth, request, 'fax:send', rate('/print-jobs'));
    if (!request.isMultipart()) throw new AppError('unsupported_type', "Send multipart/form-data with a 'file' part");
    const limit = core.settings.current.maxFileSizeMb * 1024 * 1024;
    const file = await request.file({ limits: { files: 1, fileSize: limit + 1, fields: 10, parts: 20 } });
    if (!file || file.fieldname !== 'file') throw new AppError('bad_request', "Missing file part 'file'");
    const bytes = await file.toBuffer();
    if (bytes.length > limit) throw new AppError('too_large', `File exceeds ${core.settings.current.maxFileSizeMb} MB limit`);
    const job = await core.printJobs.receive({ source: 'api', name: file.filename, bytes, apiKeyId: keyId(caller) });
    return reply.code(201).send(printJobOut(job));
  });

  app.post<{ Params: { id: string } }>('/print-jobs/:id/send', async (request) => {
    const caller = await requireScope(core.auth, request, 'fax:send', rate('/print-jobs'));
    return printJobOut(await core.printJobs.send(request.params.id, numbersFrom(request.body), keyId(caller)));
  });

  app.delete<{ Params: { id: string } }>('/print-jobs/:id', async (request) => {
    await requireScope(core.auth, request, 'fax:send', rate('/print-jobs'));
    return printJobOut(await core.printJobs.discard(request.params.id));
  });

  app.post<{ Params: { name: string } }>('/print-jobs/spool/:name', async (request, reply) => {
    const spool = core.printSpool;
    if (!spool) throw new AppError('not_found', 'The printer route is off on this gateway');
    if (!isLocalCaller(request.socket.remoteAddress, request.headers.host) || !spool.authorized(request.headers.authorization)) {
      core.audit.record('print_spool_denied', {});
      throw new AppError('unauthorized', 'Invalid print secret');
    }
    const outcome = await spool.ingest(request.params.name);
    // Taken already (by the scan at start or a rescan) is success for the backend too.
    if (outcome === 'missing' && !core.printJobs.byOrigin(`printer:${request.params.name}`)) {
      throw new AppError('not_found', 'No such spool file');
    }
    return reply.code(202).send({ taken: request.params.name });
  });
}
