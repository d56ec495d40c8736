import type { z } from 'zod';

/**
 * The pure half of a provider folder: its section of the settings file and the names it answers
 * to. shared/settings.ts builds the settings schema, the backend list and the secret names from
 * these (via settings-catalog.ts), so each `<name>/settings.ts` may import only zod and shared/
 * (lint applies shared/'s boundary rules to it: it also runs in the renderer).
 */

/** How an environment value becomes a setting (config.ts holds the parsers). */
export type EnvParse = 'str' | 'int' | 'bool' | 'lower';

/** A section schema: every field has a default, so an empty or older settings file still loads. */
export type SectionSchema = z.ZodObject;

export interface ProviderSettings<Backend extends string, Schema extends SectionSchema, Secret extends `${Backend}.${string}`> {
  backend: Backend;
  /** This backend's section of the settings file (`settings[backend]`). */
  schema: Schema;
  /** Faxbot's environment names for fields of the section; earlier names win over later aliases. */
  env: readonly (readonly [env: string, field: keyof z.output<Schema> & string, parse: EnvParse])[];
  /** The backend's secrets (kept in the keychain, never in the file), each with its environment names; the first one set wins. */
  secrets: Readonly<Record<Secret, readonly string[]>>;
  /** What people call fields that validation messages name and no setup form labels (e.g. "Phaxio API address"). */
  labels?: Partial<Record<keyof z.output<Schema> & string, string>>;
  /** Provider console and documentation hosts the desktop app may open in the system browser. */
  consoleHosts?: readonly string[];
}

/** Keeps the literal backend id, field names and secret names, which the settings types are built from. */
export function defineProviderSettings<Backend extends string, Schema extends SectionSchema, Secret extends `${Backend}.${string}`>(
  settings: ProviderSettings<Backend, Schema, Secret>,
): ProviderSettings<Backend, Schema, Secret> {
  return settings;
}

/** Any backend's definition, as the catalog holds them. */
export type AnyProviderSettings = ProviderSettings<string, SectionSchema, `${string}.${string}`>;
