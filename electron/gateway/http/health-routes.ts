import type { FastifyInstance } from 'fastify';
import type { GatewayCore } from '../core';
import { requireAdmin } from './auth';

export function registerHealthRoutes(app: FastifyInstance, core: GatewayCore): void {
  app.get('/health', async () => ({ status: 'ok' }));

  /** Ready = the store answers, the disk has room, and the active backend can send. Ghostscript is not required (a Faxbot defect). */
  app.get('/health/ready', async (_request, reply) => {
    const backend = core.settings.current.backend;
    const db = await core.store.ping().then(
      () => true,
      () => false,
    );
    const problem = core.providers.problem(backend);
    const diskProblem = core.disk.problem();
    const warnings = [...(problem ? [`${backend}: ${problem}`] : []), ...(diskProblem ? [diskProblem] : [])];
    const ready = db && !problem && !diskProblem;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      backend,
      test_mode: (await core.status()).testMode,
      checks: { db, backend_config: !problem, disk_space: !diskProblem },
      warnings,
    });
  });

  /** Faxbot's Node SDK calls GET /plugins on construction: admins get Faxbot's empty list, everyone else 401. */
  app.get('/plugins', async (request) => {
    await requireAdmin(core.auth, request);
    return { items: [] };
  });
}
