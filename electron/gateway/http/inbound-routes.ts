import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { GatewayCore } from '../core';
import { AppError } from '../services/errors';
import { faxbotInbound } from '../services/inbound';
import { hasScope } from '../services/keys';
import { identify, limit, noStore, requireScope } from './auth';
import { parseInput } from './validate';

export function requireInboundEnabled(core: GatewayCore): void {
  if (!core.settings.current.inboundEnabled) throw new AppError('not_found', 'Inbound not enabled');
}

/** Faxbot sends at most 100 and ignores limit/cursor (its MCP clients send them); we page, leniently. */
export const InboundListQuery = z.object({
  to_number: z.string().max(64).optional(),
  status: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(100).catch(100).default(100).describe('1-100, default 100'),
  cursor: z.string().max(200).optional(),
});
export const InboundPdfQuery = z.object({ token: z.string().max(512).optional() });

export function registerInboundRoutes(app: FastifyInstance, core: GatewayCore): void {
  app.get('/inbound', async (request) => {
    await requireScope(core.auth, request, 'inbound:list', { bucket: '/inbound', limit: core.settings.current.inboundListRpm });
    requireInboundEnabled(core);
    const query = parseInput(InboundListQuery, request.query);
    const page = core.inbound.list({
      limit: query.limit,
      cursor: query.cursor,
      includeArchived: true,
      to: query.to_number,
      status: query.status,
    });
    return page.items.map(faxbotInbound);
  });

  app.get<{ Params: { id: string } }>('/inbound/:id', async (request) => {
    await requireScope(core.auth, request, 'inbound:read', { bucket: '/inbound/{id}', limit: core.settings.current.inboundGetRpm });
    requireInboundEnabled(core);
    return faxbotInbound(core.inbound.get(request.params.id));
  });

  /**
   * A valid token is enough on its own, even when API keys are enforced (Faxbot answered 401 here);
   * otherwise a key with inbound:read.
   */
  app.get<{ Params: { id: string }; Querystring: { token?: string } }>(
    '/inbound/:id/pdf',
    async (request: FastifyRequest<{ Params: { id: string }; Querystring: { token?: string } }>, reply) => {
      requireInboundEnabled(core);
      const { id } = request.params;
      const { token } = parseInput(InboundPdfQuery, request.query);
      if (token) {
        const verdict = await core.tokens.check('inbound', id, token);
        if (verdict === 'expired') throw new AppError('forbidden', 'Token expired');
        if (verdict === 'invalid') throw new AppError('forbidden', 'Invalid token');
      } else {
        const caller = await identify(core.auth, request);
        if (caller) {
          if (!hasScope(caller, 'inbound:read')) throw new AppError('forbidden', 'Insufficient scope: inbound:read required');
          limit(core.auth, caller, '/inbound/{id}/pdf', core.settings.current.inboundGetRpm);
        } else if (core.auth.authRequired()) {
          throw new AppError('forbidden', 'Forbidden');
        } else {
          await requireScope(core.auth, request, 'inbound:read');
        }
      }
      const bytes = await core.inbound.document(id);
      return noStore(reply)
        .type('application/pdf')
        .header('content-disposition', `inline; filename="inbound_${id}.pdf"`)
        .send(Buffer.from(bytes));
    },
  );
}
