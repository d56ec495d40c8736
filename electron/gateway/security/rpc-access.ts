import type { EventName, MethodName } from '../../../shared/contract';
import type { Scope } from '../../../shared/types';
import { hasScope, isAdmin, type Caller } from '../services/keys';

/**
 * Who may call each /rpc method with an API key (a window connected to an office server, or a
 * script): a scope, `admin` (keys:manage or the bootstrap API_KEY), `any` valid key, or `desktop`
 * (this computer's own window only: its printer routes and its office-server connection).
 * The desktop's own window (IPC, or a browser session) may call everything.
 */
export type RpcAccess = Scope | 'admin' | 'any' | 'desktop';

export const RPC_ACCESS: Record<MethodName, RpcAccess> = {
  'jobs:send': 'fax:send',
  'jobs:sendBatch': 'fax:send',
  'jobs:batch': 'fax:read',
  'jobs:resendFailed': 'fax:send',
  'jobs:reschedule': 'fax:send',
  'jobs:preflight': 'fax:send',
  'jobs:list': 'fax:read',
  'jobs:exportCsv': 'fax:read',
  'jobs:get': 'fax:read',
  'jobs:cancel': 'fax:send',
  'jobs:retryNow': 'fax:send',
  'jobs:resend': 'fax:send',
  'jobs:report': 'fax:read',
  'jobs:mintMediaLink': 'fax:read',
  'jobs:senders': 'fax:read',
  'numbers:check': 'any',
  'inbound:list': 'inbound:list',
  'inbound:get': 'inbound:read',
  'inbound:markRead': 'inbound:read',
  'inbound:archive': 'inbound:read',
  'inbound:documentLink': 'inbound:read',
  'inbound:annotate': 'inbound:read',
  'inbound:forward': 'fax:send',
  'inbound:simulate': 'admin',
  'contacts:list': 'fax:read',
  'contacts:get': 'fax:read',
  'contacts:create': 'fax:send',
  'contacts:update': 'fax:send',
  'contacts:delete': 'fax:send',
  'contacts:names': 'fax:read',
  'contacts:recent': 'fax:read',
  'contacts:import': 'fax:send',
  'contacts:export': 'fax:read',
  'groups:list': 'fax:read',
  'groups:create': 'fax:send',
  'groups:update': 'fax:send',
  'groups:delete': 'fax:send',
  'covers:list': 'fax:read',
  'covers:preview': 'fax:send',
  'covers:import': 'admin',
  'covers:delete': 'admin',
  'keys:list': 'admin',
  'keys:create': 'admin',
  'keys:revoke': 'admin',
  'keys:rotate': 'admin',
  // The settings view carries no secret values (only "configured"); changing anything is admin work.
  'settings:get': 'any',
  'settings:update': 'admin',
  'settings:setSecret': 'admin',
  'settings:clearSecret': 'admin',
  'setup:check': 'admin',
  'setup:callbackUrls': 'admin',
  'setup:complete': 'admin',
  'setup:backends': 'any',
  'diagnostics:run': 'admin',
  'gateway:status': 'any',
  'tunnel:start': 'admin',
  'tunnel:stop': 'admin',
  'printJobs:list': 'fax:send',
  'printJobs:add': 'fax:send',
  'printJobs:send': 'fax:send',
  'printJobs:discard': 'fax:send',
  'printJobs:document': 'fax:send',
  'printRoutes:get': 'desktop',
  'printRoutes:install': 'desktop',
  'printRoutes:remove': 'desktop',
  'audit:tail': 'admin',
  'auth:whoami': 'any',
  'remote:status': 'desktop',
  'remote:connect': 'desktop',
  'remote:disconnect': 'desktop',
};

/** What a window connected to an office server needs from its key (checked when it connects). */
export const WINDOW_SCOPES: readonly Scope[] = ['fax:send', 'fax:read', 'inbound:list', 'inbound:read'];

/** Each live event goes to a key only if the key may read what it describes. */
export const EVENT_ACCESS: Record<EventName, RpcAccess> = {
  'job:updated': 'fax:read',
  'inbound:received': 'inbound:list',
  'inbound:updated': 'inbound:list',
  'gateway:status': 'any',
  'keys:changed': 'admin',
  'settings:changed': 'any',
  'print:changed': 'fax:send',
  'remote:changed': 'desktop',
};

/** null when `caller` may use something guarded by `access`, otherwise the sentence for the 403. */
export function refusal(caller: Caller, access: RpcAccess): string | null {
  if (caller.kind === 'ui') return null;
  if (access === 'desktop') return "Only this computer's own Faxbot window can do that";
  if (access === 'any') return null;
  if (access === 'admin') return isAdmin(caller) ? null : 'That needs an admin key (keys:manage, or the bootstrap API_KEY)';
  return hasScope(caller, access) ? null : `Insufficient scope: ${access} required`;
}

/** The scopes a key lacks for a connected window, in the documented order. */
export function missingWindowScopes(scopes: readonly string[]): Scope[] {
  if (scopes.includes('*')) return [];
  return WINDOW_SCOPES.filter((scope) => !scopes.includes(scope));
}
