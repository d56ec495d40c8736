/**
 * Browser-mode login. The gateway keeps the session in an HttpOnly cookie; the key typed here
 * is sent once and never stored by the page (Faxbot kept it in localStorage).
 */
export async function hasSession(fetchImpl: typeof fetch = fetch): Promise<boolean> {
  try {
    const response = await fetchImpl('/ui/session', { credentials: 'same-origin' });
    return response.ok;
  } catch {
    return false;
  }
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
