import { access, constants, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempNameFor } from '../storage/artifact-store';
import { secretStoreName, type Backend } from '../../../shared/settings';
import type { CallbackUrl, CheckResult, DiagnosticsReport } from '../../../shared/types';
import type { GatewayCore } from '../core';
import { addressScope, checkPublicUrl, hostnameScope, scopeWords } from '../public-url';
import { providerModule } from '../providers/catalog';
import { probeHealth, resolveAddresses } from '../tunnel/probe';
import { fail, pass, warn } from './checks';

async function dataDirCheck(core: GatewayCore): Promise<CheckResult> {
  // A known full disk is the answer already; probing once more lets a freed disk clear at once.
  if (!(await core.disk.check()))
    return fail(
      'data_dir',
      'Data folder',
      core.disk.problem() ?? 'The disk is full.',
      'Free space on the disk that holds the data folder (or move FAX_DATA_DIR to a larger disk).',
    );
  // Unique per process and call: several gateways may share the folder.
  const probe = tempNameFor(join(core.dataDir, '.probe'));
  try {
    await mkdir(core.dataDir, { recursive: true });
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
    await access(core.dataDir, constants.W_OK);
    return pass('data_dir', 'Data folder', 'The data folder is writable.');
  } catch (error) {
    core.disk.report(error);
    return fail(
      'data_dir',
      'Data folder',
      `Cannot write to the data folder (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      'Check the folder permissions or set FAX_DATA_DIR to a writable folder.',
    );
  }
}

async function databaseCheck(core: GatewayCore): Promise<CheckResult> {
  try {
    await core.store.ping();
    return pass('database', 'Database', 'SQLite answers (WAL mode).');
  } catch {
    return fail('database', 'Database', 'The database does not answer.', 'Restart the app; if it persists, check disk space.');
  }
}

async function credentialsCheck(core: GatewayCore, backend: Backend): Promise<CheckResult> {
  const provider = core.providers.forBackend(backend);
  if (!core.providers.available(backend)) {
    return fail(
      'credentials',
      'Provider credentials',
      `Sending through ${backend} is not available in this version of Faxbot Desktop.`,
      'Choose another fax service in Setup.',
    );
  }
  if (!provider) {
    return fail(
      'credentials',
      'Provider credentials',
      `The ${backend} backend is not ready: ${core.providers.problem(backend)}.`,
      'Open Setup and enter the credentials from the provider console.',
    );
  }
  if (!provider.checkCredentials) return pass('credentials', 'Provider credentials', `${provider.label} is configured.`);
  try {
    return await provider.checkCredentials(AbortSignal.timeout(15_000));
  } catch (error) {
    return fail(
      'credentials',
      'Provider credentials',
      `Could not reach ${provider.label}: ${(error as Error).message}`,
      'Check the internet connection and the provider base URL.',
    );
  }
}

function publicUrlCheck(core: GatewayCore, backend: Backend): CheckResult {
  const settings = core.settings.current;
  const provider = core.providers.forBackend(backend);
  const raw = settings.publicApiUrl || core.tunnel.url();
  if (!raw) {
    if (backend === 'simulator') return pass('public_url', 'Public URL', 'Test mode needs no public URL.');
    if (providerModule(backend)?.callbacksOnLan)
      return pass(
        'public_url',
        'Public URL',
        `${provider?.label ?? backend} reaches this gateway on your network; no public URL is needed.`,
      );
    if (provider?.traits.needsPublicMediaUrl) {
      return fail(
        'public_url',
        'Public URL',
        `${provider.label} fetches documents from a public URL, and none is set.`,
        'Turn on the built-in tunnel or enter your own HTTPS URL in Setup.',
      );
    }
    return warn(
      'public_url',
      'Public URL',
      'No public URL: faxes are uploaded directly and their status is polled; provider callbacks and inbound faxes are off.',
      'Turn on the built-in tunnel or enter your own HTTPS URL to receive callbacks and inbound faxes.',
    );
  }
  const verdict = checkPublicUrl(raw, settings.enforcePublicHttps);
  if (!verdict.ok) return fail('public_url', 'Public URL', verdict.reason, 'Use an https:// URL, or turn on the built-in tunnel.');
  const host = new URL(verdict.url).hostname;
  const scope = hostnameScope(host);
  if (scope && scope !== 'public') {
    return fail(
      'public_url',
      'Public URL',
      `${verdict.url} cannot be reached by providers: ${host} is ${scopeWords(scope)}.`,
      NOT_PUBLIC_FIX,
    );
  }
  return pass('public_url', 'Public URL', `Providers are told to reach this gateway at ${verdict.url}.`);
}

const NOT_PUBLIC_FIX = 'Turn on the built-in tunnel, or enter the HTTPS address of a reverse proxy that the internet can reach.';

/** Why providers on the internet cannot reach this host (it is or resolves to a non-public address), or null. */
async function notPublicReason(host: string): Promise<string | null> {
  const scope = hostnameScope(host);
  if (scope) return scope === 'public' ? null : `${host} is ${scopeWords(scope)}`;
  // A name that does not resolve is left to the probe, which reports it in words.
  const addresses = await resolveAddresses(host).catch(() => []);
  for (const address of addresses) {
    const resolved = addressScope(address);
    if (resolved && resolved !== 'public') return `${host} resolves to ${address}, ${scopeWords(resolved)}`;
  }
  return null;
}

/** The self-test: GET {publicUrl}/health from here, out through the public URL and back in. */
async function publicReachabilityCheck(core: GatewayCore): Promise<CheckResult> {
  const id = 'public_url_reachable';
  const label = 'Public URL reachable from outside';
  const base = core.publicUrl();
  if (!base) {
    const tunnel = core.tunnel.state();
    if (core.settings.current.tunnel.enabled && tunnel.state !== 'up') {
      return fail(
        id,
        label,
        `The tunnel is ${tunnel.state}${tunnel.error ? `: ${tunnel.error}` : '.'}`,
        'The tunnel is down: check the internet connection and TUNNEL_HOST, or turn the tunnel off and on again.',
      );
    }
    return { id, label, state: 'skip', detail: 'There is no usable public URL to test.' };
  }
  const viaTunnel = !core.settings.current.publicApiUrl;
  const notPublic = await notPublicReason(new URL(base).hostname);
  if (notPublic) {
    // Never a pass: an answer from this computer says nothing about a provider on the internet.
    return fail(
      id,
      label,
      `Not checked: ${notPublic}, so providers on the internet cannot reach ${base}.`,
      viaTunnel ? 'The tunnel server hands out local addresses: set TUNNEL_HOST to a public tunnel server.' : NOT_PUBLIC_FIX,
    );
  }
  const started = performance.now();
  try {
    await probeHealth(base, AbortSignal.timeout(8_000));
    const ms = Math.round(performance.now() - started);
    return pass(
      id,
      label,
      viaTunnel
        ? `${base}/health answered in ${ms} ms, fetched from this computer through the tunnel server.`
        : `${base}/health answered in ${ms} ms, fetched from this computer through the public address (a provider's own fetch is not tested).`,
    );
  } catch (error) {
    return fail(
      id,
      label,
      `${base}/health did not reach this gateway: ${(error as Error).message}.`,
      viaTunnel
        ? 'The tunnel is down or not forwarding: turn the tunnel off and on again, or check TUNNEL_HOST.'
        : `Your URL does not reach this computer: check port forwarding or the reverse proxy (it must forward to ${core.localUrl || 'this gateway'}).`,
    );
  }
}

function securityCheck(core: GatewayCore): CheckResult {
  const s = core.settings.current;
  if (s.requireApiKey || core.bootstrapApiKey) return pass('api_keys', 'API access', 'The REST API requires an API key.');
  return warn(
    'api_keys',
    'API access',
    'The REST API accepts calls without a key from this computer (Faxbot dev mode).',
    'Set REQUIRE_API_KEY=true, or create keys and turn on "Require API key" in Settings, before exposing the gateway on a network.',
  );
}

async function secretsCheck(core: GatewayCore): Promise<CheckResult> {
  const view = await core.settings.view();
  return view.secretStoreKind.includes('encrypted-file')
    ? warn(
        'secrets',
        'Credential storage',
        `Credentials are kept in ${secretStoreName(view.secretStoreKind).long}.`,
        'Run a keychain service (e.g. gnome-keyring) so credentials are stored in the OS keychain.',
      )
    : pass('secrets', 'Credential storage', `Credentials are kept in ${secretStoreName(view.secretStoreKind).long}.`);
}

/** Whether provider callbacks and inbound webhooks can be verified, per backend (never shows a secret). */
async function callbackSecurityCheck(core: GatewayCore, backend: Backend): Promise<CheckResult> {
  const check = providerModule(backend)?.callbackSecurity;
  if (check) return check(core);
  return { id: 'callback_security', label: 'Callback verification', state: 'skip', detail: 'Test mode receives no provider callbacks.' };
}

async function backendChecks(core: GatewayCore, backend: Backend): Promise<CheckResult[]> {
  return (await providerModule(backend)?.checks?.(core)) ?? [];
}

/** Scripts and SDKs expect the Faxbot API on a fixed port; the window itself does not need it. */
function restPortCheck(core: GatewayCore): CheckResult {
  const id = 'rest-port';
  const label = 'Faxbot API port';
  if (core.restPortBusy === null) return pass(id, label, `Scripts reach the Faxbot API at ${core.localUrl}.`);
  return fail(
    id,
    label,
    `Port ${core.restPortBusy} is in use by another program, so scripts cannot reach the Faxbot API there (this window still works).`,
    `Close the program using port ${core.restPortBusy}, or set the PORT environment variable to a free port (for example PORT=8081), then restart Faxbot Desktop.`,
  );
}

export async function setupChecks(core: GatewayCore, backend: Backend): Promise<CheckResult[]> {
  // A check asked for right after a save tests the saved settings, not the provider built before it.
  await core.providers.settled();
  return [
    await credentialsCheck(core, backend),
    ...(await backendChecks(core, backend)),
    publicUrlCheck(core, backend),
    await publicReachabilityCheck(core),
  ];
}

/** With STORAGE_BACKEND=s3, a live round trip (write, read back, delete) of a tiny object, as documents will make. */
async function documentStorageCheck(core: GatewayCore): Promise<CheckResult[]> {
  const storage = core.settings.current.storage;
  if (storage.backend !== 's3') return [];
  const label = 'Document storage';
  try {
    const ref = await core.outboundDocuments.save(tempNameFor('.diagnostics-probe'), new TextEncoder().encode('probe'), 'text/plain');
    const back = await core.outboundDocuments.read(ref);
    await core.outboundDocuments.remove(ref);
    if (!back) throw new Error('a document just written could not be read back');
    return [pass('storage', label, `The S3 bucket ${storage.s3Bucket} stores, returns and deletes documents.`)];
  } catch (error) {
    return [
      fail(
        'storage',
        label,
        (error as Error).message,
        'Check S3_BUCKET, S3_REGION, S3_ENDPOINT_URL and the access key; it needs s3:PutObject, s3:GetObject and s3:DeleteObject (and the KMS key when S3_KMS_KEY_ID is set).',
      ),
    ];
  }
}

export async function runDiagnostics(core: GatewayCore): Promise<DiagnosticsReport> {
  await core.providers.settled();
  const backend = core.settings.current.backend;
  const checks = [
    await databaseCheck(core),
    await dataDirCheck(core),
    ...(await documentStorageCheck(core)),
    await credentialsCheck(core, backend),
    ...(await backendChecks(core, backend)),
    publicUrlCheck(core, backend),
    await publicReachabilityCheck(core),
    await callbackSecurityCheck(core, backend),
    securityCheck(core),
    await secretsCheck(core),
    restPortCheck(core),
  ];
  core.audit.record('diagnostics_run', { backend, count: checks.filter((c) => c.state === 'fail').length });
  return { at: new Date(core.now()).toISOString(), backend, checks };
}

/** The URLs an admin pastes into the provider console. */
export function callbackUrls(core: GatewayCore, backend: Backend): CallbackUrl[] {
  const module = providerModule(backend);
  const base = core.publicUrl() ?? (module?.callbacksOnLan ? core.localUrl : null);
  return base ? (module?.callbackUrls?.(base) ?? []) : [];
}
