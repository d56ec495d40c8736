import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { Agent } from 'undici';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * RFC 6761 §6.3: `*.localhost` names are loopback. getaddrinfo here does not resolve them, and a
 * self-hosted tunnel server on this machine hands out `http://<sub>.lt.localhost:<port>` URLs.
 */
function localhostAwareLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  dnsLookup(hostname, options, callback as never);
}

/** Every address a name resolves to, the way requests to the public URL resolve it. */
export function resolveAddresses(hostname: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    localhostAwareLookup(hostname, { all: true }, (error, addresses) =>
      error ? reject(error) : resolve((addresses as LookupAddress[]).map((entry) => entry.address)),
    ),
  );
}

let publicUrlAgent: Promise<Agent> | undefined;
/**
 * For requests to this gateway's public URL (tunnel health, diagnostics self-test). undici loads
 * with the first such request, not at gateway start.
 */
export function publicUrlDispatcher(): Promise<Agent> {
  publicUrlAgent ??= import('undici').then(
    ({ Agent }) => new Agent({ connect: { lookup: localhostAwareLookup as never, timeout: 10_000 } }),
  );
  return publicUrlAgent;
}

/** The network error code behind an undici failure, in words an admin can act on. */
export function describeNetworkError(error: unknown): string {
  const e = error as { name?: string; code?: string; cause?: { code?: string; name?: string }; message?: string };
  const code = e.code ?? e.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the name does not resolve (check the internet connection)';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'ETIMEDOUT':
      return 'timed out';
    default:
      if (e.name === 'AbortError' || e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') return 'timed out';
      return code ?? e.message ?? 'unknown error';
  }
}

/**
 * GET {baseUrl}/health from this process, the way a provider would reach us. Resolves when this
 * gateway's health answer comes back; throws with a short reason otherwise.
 */
export async function probeHealth(baseUrl: string, signal: AbortSignal): Promise<void> {
  let res;
  try {
    const { request } = await import('undici');
    res = await request(`${baseUrl}/health`, {
      dispatcher: await publicUrlDispatcher(),
      signal,
      // localtunnel.me shows browsers a reminder page; this header (any value) skips it.
      headers: { accept: 'application/json', 'bypass-tunnel-reminder': '1' },
    });
  } catch (error) {
    throw new Error(describeNetworkError(signal.aborted ? signal.reason : error));
  }
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`answered HTTP ${res.statusCode}`);
  let status: unknown;
  try {
    status = (JSON.parse(text) as { status?: unknown }).status;
  } catch {
    status = undefined;
  }
  if (status !== 'ok') throw new Error('answered, but not with a Faxbot health response');
}
