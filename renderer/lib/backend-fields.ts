import type { Backend, SecretName, Settings } from '../../shared/settings';
import type { BackendDescription } from '../../shared/types';
import { useCall } from '../api/hooks';
import type { FieldValue } from '../components/FieldInput';

/**
 * The backends this gateway ships, each described by its own provider folder and served as
 * setup:backends, so the window never keeps a second copy of their fields. `info(id)` falls back
 * to a bare description while the list loads.
 */
export function useBackends(): { list: BackendDescription[]; info: (id: Backend) => BackendDescription; error: string | null } {
  const { data, error } = useCall('setup:backends', {});
  const list = data ?? [];
  return {
    list,
    info: (id) => list.find((b) => b.id === id) ?? { id, name: id, blurb: '', fields: [], secrets: [], publicUrlNeed: '' },
    error,
  };
}

/** Secrets that belong to no backend. */
const OTHER_SECRET_NAMES: Partial<Record<SecretName, string>> = {
  apiKey: 'Bootstrap admin API key',
  'storage.s3SecretAccessKey': 'S3 secret access key',
  'remote.apiKey': 'Office server API key',
};

/** "Phaxio: API secret" for `phaxio.apiSecret`: what Settings lists, never the dotted name. */
export function secretLabel(name: SecretName, backends: readonly BackendDescription[]): string {
  for (const backend of backends) {
    const secret = [...backend.secrets, ...(backend.otherSecrets ?? [])].find((s) => s.name === name);
    if (secret) return `${backend.name}: ${secret.label}`;
  }
  return OTHER_SECRET_NAMES[name] ?? name;
}

export type SectionValues = Record<string, FieldValue>;

/** The current values of a backend's settings section, as plain form values. */
export function sectionValues(settings: Settings, id: Backend): SectionValues {
  return { ...(settings[id] as SectionValues) };
}
