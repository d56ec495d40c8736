import Tunnel, { type TunnelRegistration } from 'localtunnel/lib/Tunnel.js';
import { fetch } from 'undici';
import type { ConnectFn, ConnectOptions } from './manager';
import { describeNetworkError, publicUrlDispatcher } from './probe';

export class TunnelConnectError extends Error {
  constructor(
    message: string,
    /** Retrying cannot help (the server refused the request itself). */
    readonly permanent = false,
  ) {
    super(message);
  }
}

/** One registration request, bounded by the caller's signal (the stock client retries every second, forever). */
async function register(options: ConnectOptions): Promise<TunnelRegistration> {
  const uri = `${options.host.replace(/\/+$/, '')}/${options.subdomain ?? '?new'}`;
  let res;
  try {
    res = await fetch(uri, { signal: options.signal, dispatcher: await publicUrlDispatcher(), headers: { accept: 'application/json' } });
  } catch (error) {
    const reason = options.signal.aborted ? 'no answer in time' : describeNetworkError(error);
    throw new TunnelConnectError(`Cannot reach the tunnel server at ${options.host} (${reason}).`);
  }
  const body = (await res.json().catch(() => null)) as (Partial<TunnelRegistration> & { message?: string }) | null;
  if (res.status !== 200 || !body?.url || !body.port) {
    const why = typeof body?.message === 'string' ? body.message.slice(0, 200) : `HTTP ${res.status}`;
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    throw new TunnelConnectError(`The tunnel server at ${options.host} refused the tunnel: ${why}`, permanent);
  }
  return body as TunnelRegistration;
}

class BoundedTunnel extends Tunnel {
  constructor(private readonly connectOptions: ConnectOptions) {
    super({
      host: connectOptions.host,
      port: connectOptions.localPort,
      ...(connectOptions.subdomain ? { subdomain: connectOptions.subdomain } : {}),
      // local_host also rewrites the Host header of forwarded requests; rewritten to a loopback
      // name, remote requests would pass the UI's loopback-Host guard. So it is only set for a
      // non-loopback bind address; otherwise the client dials `localhost`, which is this gateway.
      ...(connectOptions.localHost ? { local_host: connectOptions.localHost } : {}),
    });
  }

  override _init(cb: (err: Error | null, info?: unknown) => void): void {
    register(this.connectOptions).then(
      (body) => cb(null, this._getInfo(body)),
      (error: Error) => cb(error),
    );
  }
}

const LOOPBACK_OR_ANY = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0', '::']);

/** localtunnel 2.0.2 client: resolves once the first tunnel socket is connected. */
export const connectLocaltunnel: ConnectFn = (options) =>
  new Promise((resolve, reject) => {
    const localHost = options.localHost && !LOOPBACK_OR_ANY.has(options.localHost) ? options.localHost : null;
    const client = new BoundedTunnel({ ...options, localHost });
    let downListener: ((reason: string) => void) | null = null;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      client.close();
      reject(error);
    };
    const onAbort = () => fail(new TunnelConnectError(`The tunnel server at ${options.host} did not open the tunnel in time.`));
    options.signal.addEventListener('abort', onAbort, { once: true });
    // Always listening: an 'error' event without a listener would crash the process.
    client.on('error', (error: Error) => {
      if (!settled) return fail(new TunnelConnectError(`The tunnel could not connect: ${error.message}`));
      const listener = downListener;
      downListener = null;
      listener?.(error.message);
    });
    client.once('url', (url: string) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      resolve({
        url,
        onDown: (listener) => {
          downListener = listener;
        },
        close: () => {
          downListener = null;
          client.close();
        },
      });
    });
    client.open((error) => {
      if (error) fail(error);
    });
  });
