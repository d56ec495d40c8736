/**
 * The UI's Content-Security-Policy, sent as a header on every app:// response. Scripts and styles
 * only from the build; the local gateway is reachable for document previews and media links.
 * 'wasm-unsafe-eval' lets pdf.js compile its image decoders; it does not allow JS eval.
 */
export function contentSecurityPolicy(gatewayUrl: string): string {
  const gateway = new URL(gatewayUrl);
  if (gateway.protocol !== 'http:' && gateway.protocol !== 'https:') throw new Error('gateway URL must be http(s)');
  // URL.origin is scheme://host[:port]: no spaces, quotes or semicolons can reach the policy.
  const gatewayOrigin = gateway.origin;
  return [
    `default-src 'none'`,
    `script-src 'self' 'wasm-unsafe-eval'`,
    `style-src 'self'`,
    `img-src 'self' data: blob: ${gatewayOrigin}`,
    `font-src 'self' data:`,
    `connect-src 'self' ${gatewayOrigin}`,
    `frame-src ${gatewayOrigin}`,
    `worker-src 'self' blob:`,
    `media-src 'none'`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'none'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}
