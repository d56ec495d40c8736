import type { Settings } from '../../shared/settings';
import type { FieldSpec, FieldValue } from '../components/FieldInput';

export interface SettingField extends FieldSpec {
  /** Dotted path into Settings, e.g. "retry.maxAttempts". */
  path: string;
}

export function getPath(settings: Settings, path: string): FieldValue | undefined {
  let node: unknown = settings;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean' ? node : undefined;
}

/**
 * The nested patch for settings:update holding only the fields whose draft differs from the
 * saved value, so untouched (and environment-owned) values are never sent back.
 */
export function buildPatch(saved: Settings, draft: Record<string, FieldValue>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(draft)) {
    if (getPath(saved, path) === value) continue;
    const parts = path.split('.');
    let node = patch;
    for (const part of parts.slice(0, -1)) {
      node[part] = (node[part] as Record<string, unknown> | undefined) ?? {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return patch;
}
