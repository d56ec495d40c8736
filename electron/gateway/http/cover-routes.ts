import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { COVER_CHECKS, MAX_COVER_TEMPLATE_BYTES, type CoverTemplateView } from '../../../shared/cover';
import type { GatewayCore } from '../core';
import { previewCover } from '../services/batch-send';
import { AppError, conflict } from '../services/errors';
import { noStore, requireAdmin, requireScope } from './auth';
import { parseInput } from './validate';

/** REST casing (snake_case) of a cover template. */
export function coverTemplateOut(t: CoverTemplateView) {
  return { name: t.name, label: t.label, built_in: t.builtIn, fields: t.fields, created_at: t.createdAt, size: t.size };
}

export const CoverTemplateParams = z.object({ name: z.string().min(1).max(40) });
/** The text fields of the upload form, besides the file part "file". */
export const CoverTemplateForm = z.object({
  name: z.string().max(40).describe('What cover=<name> will ask for: 1 to 40 letters, digits or dashes'),
  label: z.string().max(80).optional().describe('Shown in Send (default: the name)'),
});

export const CoverPreviewBody = z.object({
  cover: z.string().min(1).max(40).describe('A template name: built in or imported'),
  subject: z.string().max(200).optional(),
  note: z.string().max(4000).optional(),
  checks: z.array(z.enum(COVER_CHECKS)).max(COVER_CHECKS.length).optional().describe('Ticks, for templates with checkboxes'),
  to: z.string().max(64).optional().describe('The recipient: a number (its contact, if any, fills the To block)'),
  contact_id: z.string().min(1).max(64).optional(),
  group: z.string().min(1).max(100).optional().describe("A group's id or name: previewed for its first contact"),
  document_pages: z.number().int().min(0).max(10_000).default(1).describe('Pages of the document the cover goes in front of'),
});

/** The upload form in any order; the file is read up to one byte over the cap, so an oversized one is named as such. */
async function readTemplateUpload(request: FastifyRequest): Promise<{ fields: Record<string, string>; bytes: Buffer | null }> {
  if (!request.isMultipart()) throw new AppError('unsupported_type', "Send multipart/form-data with a 'name' field and a 'file' part");
  const fields: Record<string, string> = {};
  let bytes: Buffer | null = null;
  const parts = request.parts({ limits: { fields: 10, fieldSize: 4096, files: 1, parts: 12, fileSize: MAX_COVER_TEMPLATE_BYTES + 1 } });
  for await (const part of parts) {
    if (part.type === 'field') {
      fields[part.fieldname] ??= String(part.value);
      continue;
    }
    if (part.fieldname !== 'file' || bytes) {
      part.file.resume();
      continue;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_COVER_TEMPLATE_BYTES)
        throw new AppError('too_large', `A cover template may be at most ${MAX_COVER_TEMPLATE_BYTES / 1024 / 1024} MB`);
      chunks.push(chunk);
    }
    bytes = Buffer.concat(chunks);
  }
  return { fields, bytes };
}

/** /admin/cover-templates: registered inside the admin scope (its headers, its authentication). */
export function coverTemplateAdminRoutes(app: FastifyInstance, core: GatewayCore): void {
  app.get('/admin/cover-templates', async (request) => {
    await requireAdmin(core.auth, request);
    return core.covers.list().map(coverTemplateOut);
  });

  app.post('/admin/cover-templates', async (request, reply) => {
    await requireAdmin(core.auth, request);
    const { fields, bytes } = await readTemplateUpload(request);
    const form = parseInput(CoverTemplateForm, fields);
    if (!bytes) throw new AppError('bad_request', "Missing file part 'file' (a one-page PDF)");
    const { template, warnings } = await core.covers.add({ name: form.name, label: form.label, bytes });
    return reply.code(201).send({ ...coverTemplateOut(template), warnings });
  });

  app.delete('/admin/cover-templates/:name', async (request) => {
    await requireAdmin(core.auth, request);
    core.covers.remove(parseInput(CoverTemplateParams, request.params).name);
    return { status: 'ok' };
  });
}

/** POST /covers/preview: the cover page one recipient would get, as the PDF that is sent (scope fax:send). */
export function registerCoverPreviewRoute(app: FastifyInstance, core: GatewayCore): void {
  app.post('/covers/preview', async (request, reply) => {
    await requireScope(core.auth, request, 'fax:send', { bucket: '/fax', limit: core.settings.current.maxRequestsPerMinute });
    const body = parseInput(CoverPreviewBody, request.body);
    const preview = await previewCover(core, {
      to: body.to,
      contactId: body.contact_id,
      groupId: body.group,
      cover: { template: body.cover, subject: body.subject, note: body.note, checks: body.checks },
      documentPages: body.document_pages,
    });
    if (!preview.pdfBase64) throw conflict(`No cover page is sent to this recipient: ${preview.reason ?? 'none was asked for'}`);
    return noStore(reply)
      .type('application/pdf')
      .header('x-fax-pages', String(preview.pages))
      .header('content-disposition', `inline; filename="cover-${preview.template ?? 'page'}.pdf"`)
      .send(Buffer.from(preview.pdfBase64, 'base64'));
  });
}
