import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { contract } from '../../../shared/contract';
import { BACKENDS, defaultSettings, SECRET_NAMES } from '../../../shared/settings';
import { FIELD_LABELS } from '../../../shared/validation';
import { ENV_NAME_FOR_PATH, resolveSettings, settingsFromEnv } from '../config';
import { SECRET_ENV_NAMES, secretFromEnv } from '../secrets/env-names';
import { createJsonSettingsStore } from '../settings-store';
import { PROVIDER_MODULES } from './catalog';
import { PROVIDER_SETTINGS } from './settings-catalog';

/** A value the field accepts that differs from its default, written as an environment variable would be. */
function envSampleFor(field: z.ZodType, parse: string): { raw: string; value: unknown } {
  const fallback = field.parse(undefined);
  const candidates: { raw: string; value: unknown }[] =
    parse === 'int'
      ? [{ raw: String(Number(fallback) + 1), value: Number(fallback) + 1 }]
      : parse === 'bool'
        ? [{ raw: fallback ? 'false' : 'yes', value: !fallback }]
        : field instanceof z.ZodDefault && field.unwrap() instanceof z.ZodEnum
          ? (field.unwrap() as z.ZodEnum).options.map((option) => ({ raw: String(option).toUpperCase(), value: option }))
          : [
              { raw: 'https://probe.example/fax', value: 'https://probe.example/fax' },
              { raw: 'probe-value', value: 'probe-value' },
            ];
  const sample = candidates.find((c) => c.value !== fallback && field.safeParse(c.value).success);
  if (!sample) throw new Error('no sample value for this field');
  return sample;
}

describe('provider catalog: every backend is one folder', () => {
  it('has one module per backend of the settings catalog, in the same order, sharing the same settings object', () => {
    expect(PROVIDER_MODULES.map((m) => m.backend)).toEqual([...BACKENDS]);
    expect(PROVIDER_SETTINGS.map((p) => p.backend)).toEqual([...BACKENDS]);
    for (const [index, module] of PROVIDER_MODULES.entries()) {
      expect(module.settings).toBe(PROVIDER_SETTINGS[index]);
      expect(module.description.id).toBe(module.backend);
    }
  });

  for (const module of PROVIDER_MODULES) {
    describe(module.backend, () => {
      const { settings, description } = module;
      const shape = settings.schema.shape as Record<string, z.ZodType>;

      it('supplies a settings section whose defaults fill an empty file', () => {
        expect(defaultSettings()[module.backend]).toEqual(settings.schema.parse({}));
        expect(resolveSettings({ [module.backend]: {} }, {}).settings[module.backend]).toEqual(settings.schema.parse({}));
      });

      it('describes only fields its section has, in a form the field kind can edit', () => {
        expect(description.name).not.toBe('');
        expect(description.blurb).not.toBe('');
        expect(description.publicUrlNeed).not.toBe('');
        for (const field of description.fields) {
          const schema = shape[field.key];
          expect(schema, `${module.backend}.${field.key}`).toBeDefined();
          const fallback = schema?.parse(undefined);
          if (field.kind === 'checkbox') expect(typeof fallback).toBe('boolean');
          else if (field.kind === 'number') expect(typeof fallback).toBe('number');
          else expect(typeof fallback).toBe('string');
          for (const option of field.options ?? [])
            expect(schema?.safeParse(option.value).success, `${field.key}=${option.value}`).toBe(true);
        }
      });

      it('names its secrets under its own prefix, each with an environment name, and asks only for those', () => {
        for (const name of Object.keys(settings.secrets)) {
          expect(name.startsWith(`${module.backend}.`)).toBe(true);
          expect(SECRET_NAMES).toContain(name);
          expect(SECRET_ENV_NAMES[name as keyof typeof SECRET_ENV_NAMES].length).toBeGreaterThan(0);
          const envName = SECRET_ENV_NAMES[name as keyof typeof SECRET_ENV_NAMES][0] as string;
          expect(secretFromEnv(name as keyof typeof SECRET_ENV_NAMES, { [envName]: 'from-env' })).toBe('from-env');
          expect(contract['settings:setSecret'].input.safeParse({ name, value: 'x' }).success).toBe(true);
        }
        for (const secret of [...description.secrets, ...(description.otherSecrets ?? [])])
          expect(Object.keys(settings.secrets)).toContain(secret.name);
      });

      it('maps each of its environment names onto a field of its section', () => {
        for (const [envName, field, parse] of settings.env) {
          const schema = shape[field];
          expect(schema, `${envName} → ${field}`).toBeDefined();
          const sample = envSampleFor(schema as z.ZodType, parse);
          const resolved = resolveSettings({}, { [envName]: sample.raw });
          expect((resolved.settings[module.backend] as Record<string, unknown>)[field], envName).toEqual(sample.value);
          expect(resolved.sources[`${module.backend}.${field}`]).toBe('env');
        }
        // The first name given for a field is the one error messages tell people to fix.
        for (const field of new Set(settings.env.map(([, f]) => f))) {
          expect(ENV_NAME_FOR_PATH.get(`${module.backend}.${field}`)).toBe(settings.env.find(([, f]) => f === field)?.[0]);
        }
      });

      it('can be chosen everywhere a backend is named: FAX_BACKEND, the contract and the settings file', () => {
        expect(settingsFromEnv({ FAX_BACKEND: module.backend.toUpperCase() }).values.backend).toBe(module.backend);
        expect(contract['setup:check'].input.safeParse({ backend: module.backend }).success).toBe(true);
        expect(resolveSettings({ backend: module.backend }, {}).settings.backend).toBe(module.backend);
      });

      it('labels the fields its validation messages name', () => {
        for (const [field, label] of Object.entries(settings.labels ?? {})) {
          expect(shape[field], field).toBeDefined();
          expect(FIELD_LABELS[`${module.backend}.${field}`]).toBe(label);
        }
      });

      it('builds a provider or names what is missing, and publishes callback URLs only with routes to answer them', async () => {
        expect(typeof module.factory).toBe('function');
        if (module.callbackUrls) expect(module.routes).toBeTypeOf('function');
        // Whatever it registers is in the OpenAPI document (openapi.test.ts checks every registered route is described).
        if (module.routes) expect(module.routeDocs).toBeTypeOf('function');
        for (const url of module.callbackUrls?.('https://gw.example') ?? []) expect(url.url.startsWith('https://gw.example/')).toBe(true);
      });
    });
  }

  it('uses each settings environment name for one field only, across all backends', () => {
    const names = PROVIDER_SETTINGS.flatMap((p) => p.env.map(([envName]) => envName));
    expect(new Set(names).size).toBe(names.length);
  });

  it('loads a settings file written by Faxbot Desktop 0.1.0 (before the sections moved into provider folders) unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faxbot-old-settings-'));
    try {
      const written = readFileSync(join(import.meta.dirname, 'fixtures', 'settings-v0.1.0.json'), 'utf8');
      writeFileSync(join(dir, 'settings.json'), written);
      const resolved = resolveSettings(createJsonSettingsStore(dir).read(), {});
      // Every value the file held is kept (a backend added since then gets its defaults).
      expect(resolved.settings).toMatchObject(JSON.parse(written) as object);
      expect(resolved.sources['sip.amiPort']).toBe('file');
      // A file from before a backend existed still loads, with that backend's defaults.
      const { sip: _sip, ...withoutSip } = JSON.parse(written) as Record<string, unknown>;
      expect(resolveSettings({ ...withoutSip, backend: 'phaxio' }, {}).settings.sip).toEqual(defaultSettings().sip);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
