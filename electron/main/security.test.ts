import { describe, expect, it } from 'vitest';
import { isPermissionGranted } from './permission-policy';
import { hardenSession, hardenWebContents } from './security.main';
import { FakeBrowserWindow, FakeEvent, FakeSession, FakeWebContents } from './testing/fake-electron';
import { createMainWindow } from './window.main';

function harden(origins: string[] = ['http://127.0.0.1:8080']) {
  const contents = new FakeWebContents();
  const opened: string[] = [];
  const refused: string[] = [];
  hardenWebContents(
    contents,
    { openExternal: async (url) => void opened.push(url) },
    () => origins,
    (what) => refused.push(what),
  );
  return { contents, opened, refused };
}

describe('hardenWebContents', () => {
  it.each(['https://evil.example/', 'app://faxbot/other.html', 'file:///etc/passwd', 'http://127.0.0.1:8080/'])(
    'blocks navigation to %s',
    (url) => {
      const { contents } = harden();
      const event = new FakeEvent();
      contents.emit('will-navigate', event, url);
      expect(event.defaultPrevented).toBe(true);
    },
  );

  it('blocks redirects and webviews', () => {
    const { contents, refused } = harden();
    const redirect = new FakeEvent();
    contents.emit('will-redirect', redirect, 'https://evil.example/');
    const webview = new FakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(redirect.defaultPrevented && webview.defaultPrevented).toBe(true);
    expect(refused).toEqual(['redirect', 'webview']);
  });

  it('denies every new window; only allow-listed URLs reach the system browser', () => {
    const { contents, opened, refused } = harden();
    const open = (url: string) => contents.windowOpenHandler?.({ url });
    expect(open('https://console.phaxio.com/')).toEqual({ action: 'deny' });
    expect(open('http://127.0.0.1:8080/inbound/1/pdf?token=t')).toEqual({ action: 'deny' });
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://console.phaxio.com/', 'http://127.0.0.1:8080/inbound/1/pdf?token=t']);
    expect(refused).toEqual(['window.open', 'window.open', 'window.open']);
  });

  it('sends an allow-listed link clicked in place to the browser instead of navigating', () => {
    const { contents, opened } = harden();
    const event = new FakeEvent();
    contents.emit('will-navigate', event, 'https://github.com/DMontgomery40/Faxbot');
    expect(event.defaultPrevented).toBe(true);
    expect(opened).toEqual(['https://github.com/DMontgomery40/Faxbot']);
  });
});

describe('permissions', () => {
  it('deny by default', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fileSystem', 'unknown', 'hid']) {
      expect(isPermissionGranted(permission, 'app://faxbot/index.html')).toBe(false);
    }
    expect(isPermissionGranted('clipboard-sanitized-write', 'app://faxbot/index.html')).toBe(true);
    expect(isPermissionGranted('clipboard-sanitized-write', 'http://127.0.0.1:8080/')).toBe(false);
    expect(isPermissionGranted('clipboard-sanitized-write', undefined)).toBe(false);
  });

  it('hardenSession installs the policy for requests, checks and devices', () => {
    const session = new FakeSession();
    hardenSession(session);
    const answers: boolean[] = [];
    session.requestHandler?.({}, 'media', (granted) => answers.push(granted), { requestingUrl: 'app://faxbot/' });
    session.requestHandler?.({}, 'clipboard-sanitized-write', (granted) => answers.push(granted), { requestingUrl: 'app://faxbot/' });
    session.requestHandler?.({}, 'clipboard-sanitized-write', (granted) => answers.push(granted), {});
    expect(answers).toEqual([false, true, false]);
    expect(session.checkHandler?.({}, 'notifications', 'app://faxbot')).toBe(false);
    expect(session.checkHandler?.({}, 'clipboard-sanitized-write', 'app://faxbot')).toBe(true);
    expect(session.deviceHandler?.({ deviceType: 'usb' })).toBe(false);
  });
});

describe('createMainWindow', () => {
  it('uses a sandboxed, isolated renderer without Node and shows when ready', () => {
    const win = createMainWindow(FakeBrowserWindow, { preload: '/app/dist-electron/preload.cjs', icon: '/app/icon.png' });
    const fake = win as FakeBrowserWindow;
    expect(fake.options.show).toBe(false);
    expect(fake.options.webPreferences).toMatchObject({
      preload: '/app/dist-electron/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
    });
    expect(fake.visible).toBe(false);
    fake.emit('ready-to-show');
    expect(fake.visible).toBe(true);
  });
});
