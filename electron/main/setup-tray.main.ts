import type { GatewayStatus } from '../../shared/types';
import type { ElectronMain } from './electron-api';
import { errorName, type Logger } from './logger';
import { trayMenu, type MenuActions } from './menu';
import { trayView, type GatewayPhase } from './tray-status';

export interface TrayStep {
  /** Creates the tray icon (after Electron is ready). */
  show(): void;
  /** False when the tray is not up or the desktop has none (then closing the window quits). */
  readonly present: boolean;
  /** The last gateway status seen (the tunnel toggle reads it). */
  readonly status: GatewayStatus | null;
  setPhase(phase: GatewayPhase): void;
  setStatus(status: GatewayStatus): void;
  destroy(): void;
}

export interface TrayStepDeps {
  electron: Pick<ElectronMain, 'Tray' | 'Menu'>;
  platform: NodeJS.Platform;
  icon: string;
  actions: MenuActions & { toggleTunnel(): void };
  log: Logger;
}

/** The tray icon: gateway phase, tunnel and jobs in flight at a glance; a click shows the window. Keeps its own phase and status. */
export function setupTray(deps: TrayStepDeps): TrayStep {
  let phase: GatewayPhase = 'starting';
  let status: GatewayStatus | null = null;
  let tray: ReturnType<typeof create> = null;

  function create() {
    try {
      const created = new deps.electron.Tray(deps.icon);
      created.on('click', deps.actions.showWindow);
      return created;
    } catch (error) {
      deps.log.warn(`[tray] unavailable (${errorName(error)}): closing the window will quit`);
      return null;
    }
  }

  const render = () => {
    if (tray === null) return;
    const view = trayView(phase, status);
    tray.setToolTip(view.tooltip);
    if (deps.platform === 'darwin') tray.setTitle(view.title);
    tray.setContextMenu(deps.electron.Menu.buildFromTemplate(trayMenu(view.lines, status?.tunnel.state === 'up', deps.actions)));
  };

  return {
    show() {
      tray ??= create();
      render();
    },
    get present() {
      return tray !== null;
    },
    get status() {
      return status;
    },
    setPhase(next) {
      phase = next;
      render();
    },
    setStatus(next) {
      status = next;
      render();
    },
    destroy() {
      tray?.destroy();
      tray = null;
    },
  };
}
