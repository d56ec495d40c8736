/**
 * Browser-mode login. The gateway keeps the session in an HttpOnly cookie; the key typed here
 * is sent once and never stored by the page (Faxbot kept it in localStorage).
 */
export type SessionCheck = 'signed-in' | 'signed-out' | 'unreachable';

export async function checkSession(fetchImpl: typeof fetch = fetch): Promise<SessionCheck> {
  try {
    const response = await fetchImpl('/ui/session', { credentials: 'same-origin' });
    if (response.ok) return 'signed-in';
    // A proxy or a gateway still starting answers 5xx: that is not a sign-out.
    return response.status === 401 ? 'signed-out' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}

/**
 * The gateway sends a reopened (used or expired) sign-in link here with `?signin=link-used`
 * (electron/gateway/http/ui-routes.ts). Reads the flag once and removes it from the address bar.
 */
export function takeSignInNotice(): 'link-used' | null {
  const url = new URL(window.location.href);
  const notice = url.searchParams.get('signin');
  if (notice === null) return null;
  url.searchParams.delete('signin');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  return notice === 'link-used' ? 'link-used' : null;
}

export type LoginResult = { ok: true } | { ok: false; message: string };

export async function login(apiKey: string, fetchImpl: typeof fetch = fetch): Promise<LoginResult> {
  let response: Response;
  try {
    response = await fetchImpl('/ui/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey }),
    });
  } catch {
    return { ok: false, message: 'Cannot reach the fax gateway.' };
  }
  if (response.ok) return { ok: true };
  let detail = '';
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && 'detail' in body && typeof body.detail === 'string') {
      detail = body.detail;
    }
  } catch {
    // No JSON body: use the generic message.
  }
  return { ok: false, message: detail || 'That key was not accepted. Use an admin API key.' };
}
