/**
 * The narrow view of the gateway the composition root needs, so tests can fake it. index.main.ts
 * passes the real `createGateway` (electron/gateway/server.ts) as a GatewayFactory, so the compiler
 * checks that the real one fits.
 */
import type { EventName, EventPayloads, MethodName, RpcResult } from '../../shared/contract';
import type { SecretStore, SettingsStore } from '../gateway/config';

export interface GatewayOptions {
  dataDir: string;
  env?: Record<string, string | undefined>;
  secretStore?: SecretStore;
  settingsStore?: SettingsStore;
  /** better-sqlite3's build for this Electron version (see native-binding.ts). */
  sqliteBinding?: string;
  /** The window needs no port: when the REST port is busy, take a free one and report it. */
  fallbackWhenPortBusy?: boolean;
  /** The per-user print folder the CUPS fax printer delivers into. */
  printDir?: string | null;
  desktop?: { productName: string; appExecutable: string | null; printIntakeDir: string };
}

export interface GatewayHandle {
  url: string;
  /** Parses `input` with the contract schema itself and dispatches to the services. */
  invoke(method: MethodName, input: unknown): Promise<RpcResult<unknown>>;
  events: { on<E extends EventName>(name: E, listener: (payload: EventPayloads[E]) => void): () => void };
  /** A URL that signs the system browser into the gateway's web UI. */
  uiLoginUrl(): string;
  /** Stops taking work, lets in-flight submissions finish (or their leases expire), closes the store. */
  close(): Promise<void>;
}

export type GatewayFactory = (options: GatewayOptions) => Promise<GatewayHandle>;
