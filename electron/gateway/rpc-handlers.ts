import { contract, isMethodName, type MethodName, type MethodOutput, type MethodParsedInput, type RpcResult } from '../../shared/contract';
import { normalizeFaxNumber } from '../../shared/phone';
import { describeIssues } from '../../shared/validation';
import type { GatewayCore } from './core';
import { PROVIDER_MODULES } from './providers/catalog';
import { runDiagnostics, setupChecks, callbackUrls } from './services/diagnostics';
import { confirmationReport, historyCsv, previewCover, sendOne, sendToMany } from './services/batch-send';
import { AppError, badRequest, conflict, forbidden } from './services/errors';
import { isAdmin, type Caller } from './services/keys';
import { textToPdf } from './documents';
import { installRoute, removeRoute } from './print/desktop-routes';
import { printRoutes } from './print/routes-state';
import { RPC_ACCESS } from './security/rpc-access';

type Handler<M extends MethodName> = (
  core: GatewayCore,
  input: MethodParsedInput<M>,
  caller: Caller,
) => Promise<MethodOutput<M>> | MethodOutput<M>;

function decodeDocuments(core: GatewayCore, documents: { name: string; contentBase64: string }[]) {
  const limit = core.settings.current.maxFileSizeMb * 1024 * 1024;
  let total = 0;
  return documents.map((doc) => {
    const bytes = Buffer.from(doc.contentBase64, 'base64');
    total += bytes.length;
    if (total > limit) throw new AppError('too_large', `The documents exceed the ${core.settings.current.maxFileSizeMb} MB limit`);
    return { name: doc.name, bytes };
  });
}

/** One handler per contract method; IPC, /rpc and tests all go through `invoke`. */
const handlers: { [M in MethodName]: Handler<M> } = {
  'jobs:send': (core, input, caller) =>
    core.printJobs.sendingWith(
      input.printJobIds ?? [],
      () =>
        sendOne(core, {
          to: input.to,
          documents: decodeDocuments(core, input.documents),
          apiKeyId: caller.kind === 'key' ? caller.keyId : null,
          resolution: input.resolution,
          sendAt: core.intake.scheduleTime(input.sendAt),
          cover: input.cover ?? null,
        }),
      (job) => [job.id],
    ),
  'jobs:sendBatch': (core, input, caller) =>
    core.printJobs.sendingWith(
      input.printJobIds ?? [],
      () =>
        sendToMany(core, {
          to: input.to,
          groups: input.groupIds,
          contactIds: input.contactIds,
          documents: decodeDocuments(core, input.documents),
          apiKeyId: caller.kind === 'key' ? caller.keyId : null,
          sendAt: core.intake.scheduleTime(input.sendAt),
          cover: input.cover ?? null,
          resolution: input.resolution,
        }),
      (batch) => batch.jobs.map((job) => job.id),
    ),
  'jobs:batch': (core, input) => core.jobs.batch(input.id),
  'jobs:resendFailed': async (core, input) => {
    const failed = (await core.jobs.batch(input.batchId)).jobs.filter((job) => job.status === 'failed');
    if (failed.length === 0) throw conflict('No recipient of this batch has failed.');
    for (const job of failed) await core.intake.resend(job.id);
    return core.jobs.batch(input.batchId);
  },
  'jobs:reschedule': (core, input) => {
    const sendAt = input.sendAt === undefined ? undefined : core.intake.scheduleTime(input.sendAt);
    if (sendAt === null) throw badRequest('Pick a time in the future, or send the fax now');
    return core.jobs.reschedule(input.id, { to: input.to === undefined ? undefined : core.intake.normalize(input.to), sendAt });
  },
  'jobs:preflight': (core, input) => core.intake.preflight(decodeDocuments(core, input.documents)),
  'jobs:list': (core, input) =>
    core.jobs.list({ ...input, numbers: input.contactId ? [core.contacts.get(input.contactId).faxE164] : undefined }),
  'jobs:exportCsv': async (core, input) => ({ fileName: 'fax-history.csv', text: await historyCsv(core, input) }),
  'jobs:get': (core, input) => core.jobs.detail(input.id),
  'jobs:cancel': (core, input) => core.jobs.cancel(input.id),
  'jobs:retryNow': async (core, input) => {
    const job = await core.jobs.retryNow(input.id);
    core.outbox.nudge();
    return job;
  },
  'jobs:resend': (core, input) => core.intake.resend(input.id, input.to),
  'jobs:report': async (core, input) => ({
    fileName: `fax-report-${input.id}.pdf`,
    contentBase64: Buffer.from(await confirmationReport(core, input.id)).toString('base64'),
  }),
  'jobs:mintMediaLink': async (core, input) => {
    const { url, expiresAt } = await core.jobs.mintMediaLink(input.id);
    return { url, expiresAt };
  },
  'numbers:check': (core, input) => {
    const result = normalizeFaxNumber(input.to, core.settings.current.defaultRegion);
    return result.ok
      ? { ok: true, e164: result.e164, country: result.country, national: result.national, likelyValid: result.likelyValid, reason: null }
      : { ok: false, e164: null, country: null, national: null, likelyValid: false, reason: result.reason };
  },
  'inbound:list': (core, input) => core.inbound.list(input),
  'inbound:get': (core, input) => core.inbound.get(input.id),
  'inbound:markRead': (core, input) => core.inbound.markRead(input.id, input.read),
  'inbound:archive': (core, input) => core.inbound.archive(input.id, input.archived),
  'inbound:documentLink': async (core, input) => {
    const { url, expiresAt } = await core.inbound.documentLink(input.id);
    return { url, expiresAt };
  },
  'inbound:annotate': (core, input) => core.inbound.annotate(input.id, input),
  'inbound:forward': async (core, input, caller) => {
    const fax = core.inbound.get(input.id);
    const bytes = await core.inbound.document(input.id);
    return sendOne(core, {
      to: input.to,
      documents: [{ name: `fax-from-${fax.from.replace(/[^\d+]/g, '') || 'unknown'}-${fax.receivedAt.slice(0, 10)}.pdf`, bytes }],
      apiKeyId: caller.kind === 'key' ? caller.keyId : null,
      sendAt: null,
      cover: input.cover ?? null,
    });
  },
  'inbound:simulate': async (core, input) => {
    if (core.settings.current.backend !== 'simulator') throw badRequest('Simulated inbound faxes are only available in test mode');
    const from = input.from ?? '+15550100199';
    const checked = normalizeFaxNumber(from, core.settings.current.defaultRegion);
    if (!checked.ok) throw badRequest(checked.reason);
    const { pdf, pages } = await textToPdf(
      `TEST FAX (simulated inbound)\n\nThis fax was generated by Faxbot Desktop's test mode.\nNo real fax was received.\n\nReceived: ${new Date(core.now()).toISOString()}`,
      { pageSize: core.settings.current.pageSize },
    );
    const { fax } = await core.inbound.receive({
      backend: 'simulator',
      providerId: `sim-in-${core.now()}-${Math.random().toString(36).slice(2, 8)}`,
      from: checked.e164,
      to: 'test mode',
      pages,
      pdf,
    });
    return fax;
  },
  'contacts:list': (core, input) => core.contacts.list(input),
  'contacts:get': (core, input) => core.contacts.get(input.id),
  'contacts:create': (core, input) => core.contacts.create(input),
  'contacts:update': (core, input) => core.contacts.update(input.id, input.contact),
  'contacts:delete': (core, input) => {
    core.contacts.remove(input.id);
    return { deleted: true };
  },
  'contacts:names': (core, input) => core.contacts.namesFor(input.numbers),
  'contacts:recent': (core, input) => core.contacts.recentNumbers(input.order, input.limit),
  'contacts:import': (core, input) => core.contacts.import(input.text),
  'contacts:export': (core, input) =>
    input.format === 'csv'
      ? { fileName: 'contacts.csv', mimeType: 'text/csv', text: core.contacts.exportCsv() }
      : { fileName: 'contacts.vcf', mimeType: 'text/vcard', text: core.contacts.exportVcards() },
  'groups:list': (core) => core.contacts.listGroups(),
  'groups:create': (core, input) => core.contacts.createGroup(input),
  'groups:update': (core, input) => core.contacts.updateGroup(input.id, input.group),
  'groups:delete': (core, input) => {
    core.contacts.removeGroup(input.id);
    return { deleted: true };
  },
  'covers:list': (core) => core.covers.list(),
  'covers:preview': (core, input) => previewCover(core, input),
  'covers:import': (core, input, caller) => {
    if (!isAdmin(caller)) throw forbidden('Only an admin can import cover templates');
    return core.covers.add({ name: input.name, label: input.label, bytes: Buffer.from(input.contentBase64, 'base64') });
  },
  'covers:delete': (core, input, caller) => {
    if (!isAdmin(caller)) throw forbidden('Only an admin can delete cover templates');
    core.covers.remove(input.name);
    return { deleted: true };
  },
  'keys:list': (core) => core.keys.list(),
  'keys:create': (core, input) => core.keys.create(input),
  'keys:revoke': (core, input) => core.keys.revoke(input.keyId),
  'keys:rotate': (core, input) => core.keys.rotate(input.keyId),
  'settings:get': (core) => core.settings.view(),
  'settings:update': (core, input) => core.settings.update(input.patch),
  'settings:setSecret': (core, input) => {
    // The office-server key is only ever saved by remote:connect, after the server has accepted it.
    if (input.name === 'remote.apiKey')
      throw badRequest('Connect to the office server in Setup; the key is checked there before it is saved.');
    return core.settings.setSecret(input.name, input.value);
  },
  'settings:clearSecret': (core, input) => core.settings.clearSecret(input.name),
  'setup:check': (core, input) => setupChecks(core, input.backend),
  'setup:callbackUrls': (core, input) => callbackUrls(core, input.backend ?? core.settings.current.backend),
  'setup:backends': async () => PROVIDER_MODULES.map((m) => m.description),
  'setup:complete': async (core) => {
    await core.settings.update({ setupCompleted: true });
    return core.status();
  },
  'diagnostics:run': (core) => runDiagnostics(core),
  'gateway:status': (core) => core.status(),
  'tunnel:start': async (core) => {
    await core.settings.update({ tunnel: { enabled: true } });
    // The caller (tray, wizard) wants the outcome: up, or the reason it is not.
    await core.tunnel.settled(20_000);
    return core.status();
  },
  'tunnel:stop': async (core) => {
    await core.settings.update({ tunnel: { enabled: false } });
    return core.status();
  },
  'printJobs:list': (core) => core.printJobs.list(),
  'printJobs:add': async (core, input) => {
    const added = [];
    for (const doc of decodeDocuments(core, input.documents)) added.push(await core.printJobs.receive({ source: 'open-file', ...doc }));
    return added;
  },
  'printJobs:send': (core, input, caller) => core.printJobs.send(input.id, input.to, caller.kind === 'key' ? caller.keyId : null),
  'printJobs:discard': (core, input) => core.printJobs.discard(input.id),
  'printJobs:document': async (core, input) => ({
    name: core.printJobs.get(input.id).fileName ?? 'Print job.pdf',
    contentBase64: (await core.printJobs.document(input.id)).toString('base64'),
  }),
  'printRoutes:get': (core) => printRoutes(core),
  'printRoutes:install': async (core, input) => {
    await installRoute(input.route, core.desktopRoutes);
    return printRoutes(core);
  },
  'printRoutes:remove': async (core, input) => {
    await removeRoute(input.route, core.desktopRoutes);
    return printRoutes(core);
  },
  'audit:tail': (core, input) => core.audit.recent(input.limit, input.event),
  'jobs:senders': (core) => core.jobs.senders(),
  'auth:whoami': (_core, _input, caller) => ({
    keyId: caller.kind === 'key' ? caller.keyId : null,
    name: caller.kind === 'env' ? 'API_KEY' : (caller.name ?? null),
    scopes: [...caller.scopes],
  }),
  'remote:status': (core) => core.remote.status(),
  'remote:connect': (core, input) => core.remote.connect(input.url, input.apiKey),
  'remote:disconnect': (core) => core.remote.disconnect(),
};

/** Parses the argument from `unknown` with the contract schema, runs the handler, wraps the result. */
export async function invoke(core: GatewayCore, method: string, input: unknown, caller: Caller): Promise<RpcResult<unknown>> {
  if (!isMethodName(method)) return { ok: false, error: { code: 'not_found', message: `Unknown method ${method.slice(0, 64)}` } };
  const parsed = contract[method].input.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'bad_request', message: describeIssues(parsed.error.issues) } };
  // Connected to an office server: the window's calls are the server's to answer (with this computer's key).
  if (core.remote.connected && RPC_ACCESS[method] !== 'desktop') return core.remote.invoke(method, input);
  try {
    const handler = handlers[method] as Handler<typeof method>;
    return { ok: true, value: await handler(core, parsed.data as never, caller) };
  } catch (thrown) {
    // The window gets the same disk-full sentence as HTTP (and the state is recorded once).
    const error = core.disk.report(thrown) ? core.disk.error() : thrown;
    if (error instanceof AppError) return { ok: false, error: { code: error.code, message: error.message } };
    core.log(`rpc ${method} failed: ${(error as Error).message}`, { level: 'error' });
    return { ok: false, error: { code: 'internal', message: 'Something went wrong; see the gateway log.' } };
  }
}
