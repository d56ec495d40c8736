import { createContext, useContext } from 'react';
import type { GatewayStatus, RemoteStatus, SettingsView } from '../../shared/types';
import type { SendDocuments } from './use-send-documents';

/** What every page may need from the shell: gateway status, settings and the Send queue. */
export interface Shell {
  status: GatewayStatus | undefined;
  settings: SettingsView | undefined;
  reloadStatus: () => void;
  reloadSettings: () => void;
  setSettings: (view: SettingsView) => void;
  documents: SendDocuments;
  toast: (message: string, tone?: 'info' | 'error') => void;
  /** This window's gateway: its own, or an office server (and that link's state). */
  remote?: RemoteStatus;
}

export const ShellContext = createContext<Shell | null>(null);

export function useShell(): Shell {
  const shell = useContext(ShellContext);
  if (!shell) throw new Error('ShellContext is missing');
  return shell;
}
