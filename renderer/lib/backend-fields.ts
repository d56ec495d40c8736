import type { Backend, Settings } from '../../shared/settings';
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

export type SectionValues = Record<string, FieldValue>;

/** The current values of a backend's settings section, as plain form values. */
export function sectionValues(settings: Settings, id: Backend): SectionValues {
  return { ...(settings[id] as SectionValues) };
}
