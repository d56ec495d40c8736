import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Backend, SecretName, Settings } from '../../../shared/settings';
import type { BackendDescription, CallbackUrl, CheckResult, SettingsView } from '../../../shared/types';
import type { GatewayCore } from '../core';
import type { RouteDoc } from '../http/openapi';
import type { AnyProviderSettings } from './provider-settings';
import type { ProviderFactory } from './registry';

/** Provider webhook routes (status callbacks, inbound faxes), registered on the gateway's HTTP server. */
export type RouteRegistrar = (app: FastifyInstance, core: GatewayCore) => void;

/** Faxbot's GET /admin/settings view of a backend (faxbot-compat.md); a secret only ever appears as its mask. */
export interface FaxbotAdminGroup {
  /** The backend's own group ("configured" is added by the gateway). */
  settings: (settings: Settings, maskedSecret: (name: SecretName) => string) => Record<string, unknown>;
  /** Its part of the "inbound" group. */
  inbound?: (settings: Settings, secrets: SettingsView['secrets'], maskedSecret: (name: SecretName) => string) => Record<string, unknown>;
  /** What the group holds, for the OpenAPI document. */
  schema: z.ZodObject;
  /** PUT /admin/settings field names that are not the lower-cased environment name (ami_host → ASTERISK_AMI_HOST). */
  fields?: Readonly<Record<string, string>>;
}

/** The OpenAPI helpers a backend describes its webhook routes with. */
export interface RouteDocHelpers {
  /** A form-posted provider callback answered with an acknowledgement. */
  callback: (summary: string, query?: z.ZodObject) => RouteDoc;
  errors: (...codes: number[]) => RouteDoc['responses'];
  /** ?job_id= on status callback URLs. */
  jobIdQuery: z.ZodObject;
}

/**
 * Everything the gateway knows about one backend, kept in the backend's own folder: adding a
 * backend is a new folder plus its line in catalog.ts and in settings-catalog.ts.
 */
export interface ProviderModule {
  backend: Backend;
  /** The settings section, env and secret names (the folder's pure settings.ts, also listed in settings-catalog.ts). */
  settings: AnyProviderSettings;
  /** What the Setup wizard and Settings page show (served to the renderer as setup:backends). */
  description: BackendDescription;
  factory: ProviderFactory;
  routes?: RouteRegistrar;
  /** The URLs an admin pastes into the provider console, given the gateway's public base URL. */
  callbackUrls?: (base: string) => CallbackUrl[];
  /** The provider calls back over the local network (Asterisk), so its URLs use the local address when there is no public one. */
  callbacksOnLan?: boolean;
  /** Extra diagnostics for this backend (e.g. tools it needs on this computer). */
  checks?: (core: GatewayCore) => Promise<CheckResult[]>;
  /** Whether this backend's callbacks and inbound webhooks can be verified (never shows a secret). */
  callbackSecurity?: (core: GatewayCore) => Promise<CheckResult>;
  /** Faxbot's admin settings view of this backend, where Faxbot has one. */
  faxbotAdmin?: FaxbotAdminGroup;
  /** OpenAPI descriptions of the routes `routes` registers, keyed "METHOD /path" as Fastify registers them. */
  routeDocs?: (helpers: RouteDocHelpers) => Record<string, RouteDoc>;
}
