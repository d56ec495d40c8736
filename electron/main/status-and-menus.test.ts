import { describe, expect, it } from 'vitest';
import type { JobView } from '../../shared/types';
import type { GatewayStatus, InboundView } from '../../shared/types';
import { applicationMenu, trayMenu, type MenuActions } from './menu';
import { FaxNotifier } from './notifications';
import { trayView } from './tray-status';
import type { MenuItemOptions } from './electron-api';

const status: GatewayStatus = {
  version: '0.1.0',
  url: 'http://127.0.0.1:8080',
  backend: 'simulator',
  testMode: false,
  setupCompleted: true,
  publicUrl: null,
  publicUrlSource: null,
  callbacksEnabled: false,
  tunnel: { state: 'off', url: null, error: null },
  jobsInFlight: 0,
  unreadInbound: 0,
  diskProblem: null,
};

const job = (over: Partial<JobView>): JobView => ({
  id: 'j1',
  to: '+1 555 123 4567',
  toE164: '+15551234567',
  status: 'queued',
  faxbotStatus: 'queued',
  backend: 'simulator',
  testMode: false,
  pages: 2,
  attempts: 1,
  maxAttempts: 5,
  nextAttemptAt: null,
  failureClass: null,
  error: null,
  providerId: null,
  providerStatus: null,
  fileName: 'a.pdf',
  resentFrom: null,
  batchId: null,
  sendAt: null,
  coverTemplate: null,
  apiKeyId: null,
  sentBy: null,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
  ...over,
});

describe('trayView', () => {
  it('shows gateway, tunnel and jobs in flight', () => {
    const view = trayView('running', {
      ...status,
      jobsInFlight: 3,
      unreadInbound: 1,
      tunnel: { state: 'up', url: 'https://x.loca.lt', error: null },
    });
    expect(view.lines).toEqual([
      'Gateway: up at http://127.0.0.1:8080',
      'Tunnel: up (https://x.loca.lt)',
      'Jobs in flight: 3',
      'Unread inbound: 1',
    ]);
    expect(view.title).toBe('3');
    expect(view.tooltip).toBe('Faxbot Desktop: 3 in flight, 1 unread');
  });

  it('puts a full disk first, in the menu and the tooltip', () => {
    const view = trayView('running', { ...status, diskProblem: 'The disk is full: ...' });
    expect(view.lines[0]).toBe('Disk full: nothing can be saved until space is freed');
    expect(view.tooltip).toBe('Faxbot Desktop: disk full, 0 in flight, 0 unread');
  });

  it('flags a broken tunnel and test mode, and covers the other phases', () => {
    const view = trayView('running', { ...status, testMode: true, tunnel: { state: 'error', url: null, error: 'x' } });
    expect(view.lines[0]).toContain('(test mode)');
    expect(view.tooltip).toContain('tunnel error');
    expect(view.title).toBe('');
    expect(trayView('starting', null).lines).toEqual(['Gateway: starting…']);
    expect(trayView('stopping', status).lines).toEqual(['Gateway: finishing work and stopping…']);
    expect(trayView('failed', null).tooltip).toContain('not running');
  });
});

describe('FaxNotifier', () => {
  it('announces failures always, deliveries on request, each once', () => {
    let wantDelivered = false;
    const notifier = new FaxNotifier(() => wantDelivered);
    expect(notifier.forJob(job({ status: 'sending' }))).toBeNull();
    expect(notifier.forJob(job({ status: 'delivered' }))).toBeNull();
    wantDelivered = true;
    expect(notifier.forJob(job({ status: 'delivered' }))).toEqual({ title: 'Fax to ****4567 delivered', body: '2 pages sent' });
    expect(notifier.forJob(job({ status: 'delivered' }))).toBeNull();
    expect(notifier.forJob(job({ id: 'j2', status: 'failed', error: 'Busy' }))).toEqual({ title: 'Fax to ****4567 failed', body: 'Busy' });
    expect(notifier.forJob(job({ id: 'j2', status: 'failed', error: 'Busy' }))).toBeNull();
  });

  it('connected to an office server, announces only this person’s own faxes', () => {
    const notifier = new FaxNotifier(() => false);
    const office = { mode: 'remote', url: 'https://fax.example.com', serverName: 'fax.example.com', keyName: 'Alice' } as const;
    notifier.connection({ ...office, keyId: 'alice', state: 'connected', problem: null });
    expect(notifier.forJob(job({ id: 'bob-1', status: 'failed', apiKeyId: 'bob' }))).toBeNull();
    expect(notifier.forJob(job({ id: 'alice-1', status: 'failed', apiKeyId: 'alice' }))).not.toBeNull();
    notifier.connection({ mode: 'local', url: null, serverName: null, keyId: null, keyName: null, state: null, problem: null });
    expect(notifier.forJob(job({ id: 'bob-2', status: 'failed', apiKeyId: 'bob' }))).not.toBeNull();
  });

  it('announces each inbound fax once', () => {
    const notifier = new FaxNotifier(() => false);
    const fax = { id: 'i1', from: '+15550001111', pages: 1 } as InboundView;
    expect(notifier.forInbound(fax)).toEqual({ title: 'New fax received', body: 'From ****1111 · 1 page' });
    expect(notifier.forInbound(fax)).toBeNull();
  });

  it('never shows a full number, not even inside a provider message (lock screens show notifications)', () => {
    const notifier = new FaxNotifier(() => true);
    const shown = [
      notifier.forJob(job({ id: 'j3', status: 'failed', error: 'Line busy at +1 555 123 4567, retry later' })),
      notifier.forJob(job({ id: 'j4', status: 'delivered' })),
      notifier.forInbound({ id: 'i2', from: '+15551234567', pages: 3 } as InboundView),
    ];
    for (const content of shown) {
      const text = `${content?.title} ${content?.body}`;
      expect(text.replace(/\D/g, '')).not.toContain('5551234567');
      expect(text).not.toMatch(/555.?123/);
    }
    expect(shown[0]?.body).toBe('Line busy at [number], retry later');
  });

  it('forgets the oldest keys so memory stays bounded', () => {
    const notifier = new FaxNotifier(() => true);
    for (let i = 0; i < 2100; i += 1) notifier.forJob(job({ id: `j${i}`, status: 'failed' }));
    expect(notifier.forJob(job({ id: 'j0', status: 'failed' }))).not.toBeNull();
    expect(notifier.forJob(job({ id: 'j2099', status: 'failed' }))).toBeNull();
  });
});

const labels = (items: MenuItemOptions[]): string[] =>
  items.flatMap((i) => [i.label ?? i.role ?? i.type ?? '', ...labels(i.submenu ?? [])]);
const noop: MenuActions = {
  newFax() {},
  openDocument() {},
  openInBrowser() {},
  openDocs() {},
  reportIssue() {},
  showWindow() {},
  quit() {},
};

describe('menus', () => {
  it('has the expected items; dev tools only when unpackaged', () => {
    const packaged = labels(applicationMenu('linux', noop, true));
    for (const item of [
      'File',
      'New Fax',
      'Open Document…',
      'Open in Web Browser',
      'Quit',
      'Edit',
      'copy',
      'paste',
      'View',
      'windowMenu',
      'Help',
      'Faxbot Documentation',
      'Report an Issue',
    ]) {
      expect(packaged).toContain(item);
    }
    expect(packaged).not.toContain('toggleDevTools');
    expect(labels(applicationMenu('linux', noop, false))).toContain('toggleDevTools');
    const mac = labels(applicationMenu('darwin', noop, true));
    expect(mac[0]).toBe('appMenu');
    expect(mac).not.toContain('Quit');
  });

  it('tray menu lists status rows disabled, then actions', () => {
    const menu = trayMenu(['Gateway: up'], true, { ...noop, toggleTunnel() {} });
    expect(menu[0]).toEqual({ label: 'Gateway: up', enabled: false });
    expect(labels(menu)).toEqual([
      'Gateway: up',
      'separator',
      'Open Faxbot Desktop',
      'New Fax',
      'Stop Tunnel',
      'separator',
      'Quit Faxbot Desktop',
    ]);
    expect(labels(trayMenu([], false, { ...noop, toggleTunnel() {} }))).toContain('Start Tunnel');
  });
});
