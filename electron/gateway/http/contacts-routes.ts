import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import {
  ContactInputSchema,
  GroupInputSchema,
  type ContactInput,
  type ContactView,
  type GroupInput,
  type GroupView,
} from '../../../shared/contacts';
import type { GatewayCore } from '../core';
import { ImportRejected } from '../services/contacts';
import { AppError } from '../services/errors';
import { noStore, requireScope } from './auth';
import { parseInput } from './validate';

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

const contact = ContactInputSchema.shape;
/**
 * What the REST doors validate: the phone book's own field rules, with snake_case (REST style) or
 * camelCase keys for the two-word fields; the store applies the defaults.
 */
export const ContactBody = z.object({
  name: contact.name,
  company: contact.company.unwrap().optional(),
  fax: contact.fax,
  voice: contact.voice.unwrap().optional(),
  email: contact.email.unwrap().optional(),
  notes: contact.notes.unwrap().optional(),
  cover_policy: contact.coverPolicy.unwrap().optional(),
  coverPolicy: contact.coverPolicy.unwrap().optional(),
  group_ids: contact.groupIds,
  groupIds: contact.groupIds,
});
/** PATCH: only the fields sent change. */
export const ContactPatchBody = ContactBody.partial();
type ContactBodyFields = z.output<typeof ContactPatchBody>;

function contactIn({ cover_policy, group_ids, coverPolicy, groupIds, ...fields }: ContactBodyFields): Partial<ContactInput> {
  return { ...fields, coverPolicy: coverPolicy ?? cover_policy, groupIds: groupIds ?? group_ids };
}

const group = GroupInputSchema.shape;
export const GroupBody = z.object({
  name: group.name,
  contact_ids: group.contactIds.unwrap().optional(),
  contactIds: group.contactIds.unwrap().optional(),
});

export const ContactsQuery = z.object({
  search: z.string().max(100).optional().describe('Matches name, company, fax or email'),
  group: z.string().max(100).optional().describe("A group's id or name"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const IdParams = z.object({ id: z.string().min(1).max(64) });

function groupIn({ name, contactIds, contact_ids }: z.output<typeof GroupBody>): GroupInput {
  return { name, contactIds: contactIds ?? contact_ids };
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

    scope.get('/contacts', async (request) => {
      await read(request);
      const { search, group, limit, offset } = parseInput(ContactsQuery, request.query);
      const groupId = group ? core.contacts.findGroup(group).id : undefined;
      const page = core.contacts.list({ search, groupId, limit, offset });
      return { items: page.items.map(contactOut), total: page.total };
    });

    scope.post('/contacts', async (request, reply) => {
      await write(request);
      return reply.code(201).send(contactOut(core.contacts.create(contactIn(parseInput(ContactBody, request.body)))));
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

    scope.get('/contacts/:id', async (request) => {
      await read(request);
      return contactOut(core.contacts.get(parseInput(IdParams, request.params).id));
    });

    scope.put('/contacts/:id', async (request) => {
      await write(request);
      const { id } = parseInput(IdParams, request.params);
      return contactOut(core.contacts.update(id, contactIn(parseInput(ContactBody, request.body))));
    });
    scope.patch('/contacts/:id', async (request) => {
      await write(request);
      const { id } = parseInput(IdParams, request.params);
      const patch = parseInput(ContactPatchBody, request.body);
      const current = core.contacts.get(id);
      const sent = Object.fromEntries(Object.entries(contactIn(patch)).filter(([, v]) => v !== undefined));
      return contactOut(core.contacts.update(id, { ...current, ...sent }));
    });

    scope.delete('/contacts/:id', async (request, reply) => {
      await write(request);
      core.contacts.remove(parseInput(IdParams, request.params).id);
      return reply.code(204).send();
    });

    scope.get('/groups', async (request) => {
      await read(request);
      return core.contacts.listGroups().map(groupOut);
    });

    scope.post('/groups', async (request, reply) => {
      await write(request);
      return reply.code(201).send(groupOut(core.contacts.createGroup(groupIn(parseInput(GroupBody, request.body)))));
    });

    scope.get('/groups/:id', async (request) => {
      await read(request);
      return groupOut(core.contacts.getGroup(parseInput(IdParams, request.params).id));
    });

    scope.put('/groups/:id', async (request) => {
      await write(request);
      const { id } = parseInput(IdParams, request.params);
      return groupOut(core.contacts.updateGroup(id, groupIn(parseInput(GroupBody, request.body))));
    });

    scope.delete('/groups/:id', async (request, reply) => {
      await write(request);
      core.contacts.removeGroup(parseInput(IdParams, request.params).id);
      return reply.code(204).send();
    });
  });
}
