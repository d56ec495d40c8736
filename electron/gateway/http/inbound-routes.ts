import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GatewayCore } from '../core';
import { AppError } from '../services/errors';
import { faxbotInbound } from '../services/inbound';
import { hasScope } from '../services/keys';
import { identify, limit, noStore, requireScope } from './auth';

export function requireInboundEnabled(core: GatewayCore): void {
  if (!core.settings.current.inboundEnabled) throw new AppError('not_found', 'Inbound not enabled');
}

export function registerInboundRoutes(app: FastifyInstance, core: GatewayCore): void {
  app.get<{ Querystring: { to_number?: string; status?: string; limit?: string; cursor?: string } }>('/inbound', async (request) => {
    await requireScope(core.auth, request, 'inbound:list', { bucket: '/inbound', limit: core.settings.current.inboundListRpm });
    requireInboundEnabled(core);
    const limitParam = Math.min(100, Math.max(1, Number(request.query.limit ?? 100) || 100));
    const page = core.inbound.list({
      limit: limitParam,
      cursor: request.query.cursor,
      includeArchived: true,
      to: request.query.to_number,
      status: request.query.status,
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
      const { token } = request.query;
      if (token) {
        const verdict = core.tokens.check('inbound', id, token);
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
