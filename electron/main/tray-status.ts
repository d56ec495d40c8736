import type { GatewayStatus } from '../../shared/types';

export type GatewayPhase = 'starting' | 'running' | 'stopping' | 'failed';

export interface TrayView {
  tooltip: string;
  /** Short text beside the icon (macOS menu bar): jobs in flight, if any. */
  title: string;
  /** Disabled status rows at the top of the tray menu. */
  lines: string[];
}

const TUNNEL_WORDS: Record<GatewayStatus['tunnel']['state'], string> = {
  off: 'off',
  connecting: 'connecting…',
  up: 'up',
  reconnecting: 'reconnecting…',
  error: 'error',
};

/** What the tray says: gateway up, tunnel up, jobs in flight (and unread inbound faxes). */
export function trayView(phase: GatewayPhase, status: GatewayStatus | null): TrayView {
  if (phase !== 'running' || status === null) {
    const word = { starting: 'starting…', running: 'starting…', stopping: 'finishing work and stopping…', failed: 'not running' }[phase];
    return { tooltip: `Faxbot Desktop: gateway ${word}`, title: '', lines: [`Gateway: ${word}`] };
  }
  const tunnel = status.tunnel.state === 'up' && status.tunnel.url ? `up (${status.tunnel.url})` : TUNNEL_WORDS[status.tunnel.state];
  const lines = [
    `Gateway: up at ${status.url}${status.testMode ? ' (test mode)' : ''}`,
    `Tunnel: ${tunnel}`,
    `Jobs in flight: ${status.jobsInFlight}`,
    `Unread inbound: ${status.unreadInbound}`,
  ];
  const summary = [`${status.jobsInFlight} in flight`, `${status.unreadInbound} unread`];
  if (status.tunnel.state === 'error' || status.tunnel.state === 'reconnecting')
    summary.push(`tunnel ${TUNNEL_WORDS[status.tunnel.state]}`);
  if (status.diskProblem) {
    lines.unshift('Disk full: nothing can be saved until space is freed');
    summary.unshift('disk full');
  }
  return {
    tooltip: `Faxbot Desktop: ${summary.join(', ')}`,
    title: status.jobsInFlight > 0 ? String(status.jobsInFlight) : '',
    lines,
  };
}
