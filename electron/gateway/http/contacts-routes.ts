import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ContactView, GroupView } from '../../../shared/contacts';
import type { GatewayCore } from '../core';
import { ImportRejected } from '../services/contacts';
import { AppError } from '../services/errors';
import { noStore, requireScope } from './auth';

/** REST casing follows Faxbot's (snake_case); the fields are the phone book's. */
export function contactOut(c: ContactView) {
  return {
    id: c.id,
    name: c.name,
    company: c.company,
    fax: c.fax,
    fax_e164: c.faxE164,
    voice: c.voice,
    email: c.email,
    notes: c.notes,
    cover_policy: c.coverPolicy,
    group_ids: c.groupIds,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

function groupOut(g: GroupView) {
  return { id: g.id, name: g.name, contact_ids: g.contactIds, created_at: g.createdAt, updated_at: g.updatedAt };
}

/** Accepts snake_case (REST style) or camelCase keys for the two-word fields. */
function contactIn(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError('bad_request', 'Send a JSON object');
  const b = body as Record<string, unknown>;
  return { ...b, coverPolicy: b.coverPolicy ?? b.cover_policy, groupIds: b.groupIds ?? b.group_ids };
}

function groupIn(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError('bad_request', 'Send a JSON object');
  const b = body as Record<string, unknown>;
  return { name: b.name, contactIds: b.contactIds ?? b.contact_ids };
}

/** The import file: a multipart `file` part, or the CSV / vCard text as the body. */
async function importText(request: FastifyRequest): Promise<string> {
  if (request.isMultipart()) {
    const file = await request.file({ limits: { files: 1, fileSize: 5 * 1024 * 1024 } });
    if (!file) throw new AppError('bad_request', "Missing file part 'file'");
    const bytes = await file.toBuffer();
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new AppError('unsupported_type', 'The contacts file must be UTF-8 text (CSV or vCard)');
    }
  }
  if (typeof request.body === 'string') return request.body;
  throw new AppError('unsupported_type', "Send the CSV or vCard as a multipart 'file' part, or as a text/csv or text/vcard body");
}

export function registerContactsRoutes(app: FastifyInstance, core: GatewayCore): void {
  const read = (request: FastifyRequest) => requireScope(core.auth, request, 'fax:read');
  const write = (request: FastifyRequest) => requireScope(core.auth, request, 'fax:send');

  app.register(async (scope) => {
    // CSV and vCard bodies as plain text, only under these routes.
    scope.addContentTypeParser(
      ['text/csv', 'text/vcard', 'text/x-vcard', 'text/plain'],
      { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 },
      (_req, body, done) => done(null, body),
    );

    scope.get<{ Querystring: { search?: string; group?: string; limit?: string; offset?: string } }>('/contacts', async (request) => {
      await read(request);
      const { search, group } = request.query;
      const limit = Math.min(200, Math.max(1, Number(request.query.limit ?? 50) || 50));
      const offset = Math.max(0, Number(request.query.offset ?? 0) || 0);
      const groupId = group ? core.contacts.findGroup(group).id : undefined;
      const page = core.contacts.list({ search: search?.slice(0, 100), groupId, limit, offset });
      return { items: page.items.map(contactOut), total: page.total };
    });

    scope.post('/contacts', async (request, reply) => {
      await write(request);
      return reply.code(201).send(contactOut(core.contacts.create(contactIn(request.body))));
    });

    scope.get('/contacts/export.csv', async (request, reply) => {
      await read(request);
      return noStore(reply)
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="contacts.csv"')
        .send(core.contacts.exportCsv());
    });

    scope.get('/contacts/export.vcf', async (request, reply) => {
      await read(request);
      return noStore(reply)
        .type('text/vcard; charset=utf-8')
        .header('content-disposition', 'attachment; filename="contacts.vcf"')
        .send(core.contacts.exportVcards());
    });

    scope.post('/contacts/import', async (request, reply) => {
      await write(request);
      const text = await importText(request);
      try {
        const result = core.contacts.import(text);
        return reply.code(201).send({ imported: result.imported, groups_created: result.groupsCreated });
      } catch (error) {
        if (error instanceof ImportRejected) return reply.code(400).send({ detail: error.message, errors: error.errors });
        throw error;
      }
    });

    scope.get<{ Params: { id: string } }>('/contacts/:id', async (request) => {
      await read(request);
      return contactOut(core.contacts.get(request.params.id));
    });

    const update = async (request: FastifyRequest<{ Params: { id: string } }>) => {
      await write(request);
      return contactOut(core.contacts.update(request.params.id, contactIn(request.body)));
    };
    scope.put<{ Params: { id: string } }>('/contacts/:id', update);
    scope.patch<{ Params: { id: string } }>('/contacts/:id', async (request) => {
      await write(request);
      const current = contactOut(core.contacts.get(request.params.id));
      const patch = contactIn(request.body) as Record<string, unknown>;
      const merged = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
      return contactOut(core.contacts.update(request.params.id, contactIn(merged)));
    });

    scope.delete<{ Params: { id: string } }>('/contacts/:id', async (request, reply) => {
      await write(request);
      core.contacts.remove(request.params.id);
      return reply.code(204).send();
    });

    scope.get('/groups', async (request) => {
      await read(request);
      return core.contacts.listGroups().map(groupOut);
    });

    scope.post('/groups', async (request, reply) => {
      await write(request);
      return reply.code(201).send(groupOut(core.contacts.createGroup(groupIn(request.body))));
    });

    scope.get<{ Params: { id: string } }>('/groups/:id', async (request) => {
      await read(request);
      return groupOut(core.contacts.getGroup(request.params.id));
    });

    scope.put<{ Params: { id: string } }>('/groups/:id', async (request) => {
      await write(request);
      return groupOut(core.contacts.updateGroup(request.params.id, groupIn(request.body)));
    });

    scope.delete<{ Params: { id: string } }>('/groups/:id', async (request, reply) => {
      await write(request);
      core.contacts.removeGroup(request.params.id);
      return reply.code(204).send();
    });
  });
}
