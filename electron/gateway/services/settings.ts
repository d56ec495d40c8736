import { SECRET_NAMES, SettingsSchema, type SecretName, type Settings } from '../../../shared/settings';
import type { SecretStatus, SettingsView } from '../../../shared/types';
import { describeIssues, fieldLabel } from '../../../shared/validation';
import {
  deepMerge,
  ENV_NAME_FOR_PATH,
  resolveSettings,
  SETTINGS_PARSE,
  type EffectiveSettings,
  type SecretStore,
  type SettingsStore,
} from '../config';
import type { AuditLog } from './audit';
import { badRequest } from './errors';
import type { EventBus } from './event-bus';

type Env = Record<string, string | undefined>;

function leafPaths(value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => leafPaths(inner, prefix ? `${prefix}.${key}` : key));
}

/** Reacts to a settings change; a returned promise is awaited before the change is reported done. */
export type SettingsListener = (settings: Settings) => void | Promise<void>;

/** Settings are read live by every service, so an update applies without a restart. */
export class SettingsService {
  private effective: EffectiveSettings;
  private readonly listeners = new Set<SettingsListener>();

  constructor(
    private readonly store: SettingsStore,
    private readonly env: Env,
    private readonly secrets: SecretStore,
    private readonly events: EventBus,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {
    this.effective = resolveSettings(store.read(), env);
  }

  get current(): Settings {
    return this.effective.settings;
  }

  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async view(): Promise<SettingsView> {
    const statuses = await Promise.all(SECRET_NAMES.map((name) => this.secrets.status(name)));
    const secrets = Object.fromEntries(SECRET_NAMES.map((name, i) => [name, statuses[i] as SecretStatus])) as Record<
      SecretName,
      SecretStatus
    >;
    return {
      settings: this.effective.settings,
      sources: this.effective.sources,
      secrets,
      secretStoreKind: this.secrets.kind,
    };
  }

  async update(patch: Record<string, unknown>): Promise<SettingsView> {
    for (const path of leafPaths(patch)) {
      if (this.effective.envPaths.has(path) || this.effective.envPaths.has(path.split('.')[0] as string)) {
        const envName = ENV_NAME_FOR_PATH.get(path) ?? (path === 'backend' ? 'FAX_BACKEND' : 'an environment variable');
        throw badRequest(`${fieldLabel(path.split('.'))} is set by ${envName} and cannot be changed here.`);
      }
    }
    const merged = deepMerge(this.effective.fileSettings as unknown as Record<string, unknown>, patch);
    const parsed = SettingsSchema.safeParse(merged, SETTINGS_PARSE);
    if (!parsed.success) {
      throw badRequest(describeIssues(parsed.error.issues));
    }
    this.store.write(parsed.data);
    await this.apply(parsed.data);
    this.audit.record('settings_updated', { count: leafPaths(patch).length });
    return this.view();
  }

  /** Re-reads the settings file (admin restart, or a file edited by hand) and applies it live. */
  reload(): void {
    this.effective = resolveSettings(this.store.read(), this.env);
    this.notify();
  }

  async secret(name: SecretName): Promise<string | null> {
    return this.secrets.get(name);
  }

  async setSecret(name: SecretName, value: string): Promise<SettingsView> {
    await this.secrets.set(name, value);
    this.audit.record('secret_set', { reason: name });
    await this.notify();
    return this.view();
  }

  async clearSecret(name: SecretName): Promise<SettingsView> {
    await this.secrets.delete(name);
    this.audit.record('secret_cleared', { reason: name });
    await this.notify();
    return this.view();
  }

  private async apply(fileSettings: Settings): Promise<void> {
    this.effective = resolveSettings(fileSettings, this.env);
    await this.notify();
  }

  /**
   * Waits for every listener (the provider rebuild among them), so whatever the caller does after
   * a save (a setup check, a send) runs against the saved settings, never the previous ones.
   */
  private async notify(): Promise<void> {
    await Promise.all([...this.listeners].map((listener) => listener(this.effective.settings)));
    this.events.emit('settings:changed', { at: new Date(this.now()).toISOString() });
  }
}
