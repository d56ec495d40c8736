/**
 * Small pure checks for requests reaching a loopback gateway. A web page in any browser can POST
 * a multipart form to http://127.0.0.1:8080/fax without a preflight; browsers always attach an
 * Origin header to such requests, scripts and SDKs do not. So a foreign Origin is refused.
 */
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function hostnameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader || hostHeader.length > 300) return null;
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0) return null;
    const rest = value.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
    return value.slice(0, end + 1);
  }
  const match = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value);
  return match ? (match[1] as string) : null;
}

/** DNS-rebinding guard for the UI and /rpc: only loopback names reach the desktop's own API. */
export function isLoopbackHost(hostHeader: string | undefined): boolean {
  const host = hostnameOf(hostHeader);
  return host !== null && LOOPBACK_HOSTNAMES.has(host);
}

/**
 * True when the request may proceed: no Origin (not a browser), or the Origin is exactly the
 * host the request was sent to (our own UI). `null` origins (sandboxed frames, file://) are foreign.
 */
export function isAllowedOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.username || parsed.password || (parsed.pathname !== '/' && parsed.pathname !== '')) return false;
  if (!hostHeader) return false;
  return parsed.host === hostHeader.trim().toLowerCase();
}

/** The TCP peer is this computer (IPv4 loopback range, IPv6 loopback, or IPv4-mapped loopback). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/**
 * Faxbot's dev mode (no key required) is for callers on this computer only. Tunnel traffic also
 * arrives from 127.0.0.1, but keeps its public Host header, so both must be loopback.
 */
export function isLocalCaller(remoteAddress: string | undefined, hostHeader: string | undefined): boolean {
  return isLoopbackAddress(remoteAddress) && isLoopbackHost(hostHeader);
}
