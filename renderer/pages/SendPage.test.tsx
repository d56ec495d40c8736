// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../App';
import { fakeBridge, gatewayStatus, job, settingsView, type FakeBridge } from '../test/fake-bridge';

function setup(): FakeBridge {
  window.location.hash = '#/send';
  return fakeBridge({
    'gateway:status': () => gatewayStatus(),
    'settings:get': () => settingsView(),
    'jobs:preflight': () => ({
      ok: true,
      pages: 2,
      warnings: [{ code: 'page_size', message: 'Page 2 will be scaled to fit.' }],
      error: null,
    }),
    'jobs:send': () => job({ id: 'job-42' }),
    'jobs:get': () => ({ job: job({ id: 'job-42' }), events: [] }),
    'jobs:list': () => ({ items: [], nextCursor: null, total: 0 }),
  });
}

function textFile(name: string, text: string): File {
  return new File([text], name, { type: 'text/plain' });
}

describe('Send', () => {
  let bridge: FakeBridge;
  beforeEach(() => {
    bridge = setup();
  });
  afterEach(cleanup);

  it('sends a dropped text file to a validated number in three actions', async () => {
    render(<App bridge={bridge} />);
    await screen.findByRole('heading', { name: 'Send a fax' });

    // 1: pick (or drop) a file.
    fireEvent.change(screen.getByTestId('file-input'), { target: { files: [textFile('memo.txt', 'Hello\nfax')] } });
    expect(await screen.findByText('2 pages')).toBeTruthy();
    expect(screen.getByText(/Page 2 will be scaled to fit/)).toBeTruthy();
    expect(screen.getByLabelText('Text of memo.txt').textContent).toContain('Hello');

    // 2: type the number; it is checked while typing, with the country.
    fireEvent.change(screen.getByLabelText('Fax number'), { target: { value: '(202) 555-0143' } });
    expect(screen.getByTestId('number-help').textContent).toContain('United States');
    expect(screen.getByTestId('number-help').textContent).toContain('+12025550143');

    // 3: send.
    fireEvent.click(screen.getByRole('button', { name: 'Send test fax' }));
    await waitFor(() => expect(window.location.hash).toBe('#/jobs/job-42'));
    const send = bridge.calls.find((c) => c.method === 'jobs:send');
    expect(send?.input).toEqual({
      to: '+12025550143',
      documents: [{ name: 'memo.txt', contentBase64: btoa('Hello\nfax') }],
      resolution: 'fine',
    });
  });

  it('offers fine or standard resolution on every backend (fine by default), sends the choice, and says when the service cannot take it', async () => {
    for (const [backend, note] of [
      ['sip', /as the receiving machine prints it/],
      ['phaxio', /Phaxio picks it; this choice changes only the preview/],
    ] as const) {
      bridge = fakeBridge({
        'gateway:status': () => gatewayStatus({ backend, testMode: false }),
        'settings:get': () => settingsView(),
        'setup:backends': () => [
          { id: 'sip', name: 'SIP / Asterisk', blurb: 'b', fields: [], secrets: [], publicUrlNeed: 'p' },
          {
            id: 'phaxio',
            name: 'Phaxio',
            blurb: 'b',
            fields: [],
            secrets: [],
            publicUrlNeed: 'p',
            resolutionNote: 'Phaxio’s API takes no resolution, so Phaxio picks it; this choice changes only the preview.',
          },
        ],
        'jobs:preflight': () => ({ ok: true, pages: 1, warnings: [], error: null }),
        'jobs:send': () => job({ id: 'job-43' }),
        'jobs:get': () => ({ job: job({ id: 'job-43' }), events: [] }),
        'jobs:list': () => ({ items: [], nextCursor: null, total: 0 }),
      });
      const view = render(<App bridge={bridge} />);
      fireEvent.change(await screen.findByTestId('file-input'), { target: { files: [textFile('a.txt', 'x')] } });
      await screen.findByText('1 page');
      const select = screen.getByLabelText('Resolution') as HTMLSelectElement;
      expect(select.value).toBe('fine');
      await waitFor(() => expect(screen.getByText(note)).toBeTruthy());
      fireEvent.change(select, { target: { value: 'standard' } });
      fireEvent.change(screen.getByLabelText('Fax number'), { target: { value: '(202) 555-0143' } });
      fireEvent.click(screen.getByRole('button', { name: /^Send/ }));
      await waitFor(() => expect(window.location.hash).toBe('#/jobs/job-43'));
      expect(bridge.calls.find((c) => c.method === 'jobs:send')?.input).toMatchObject({ resolution: 'standard' });
      view.unmount();
      window.location.hash = '#/send';
    }
  });

  it('explains a bad number instead of sending', async () => {
    render(<App bridge={bridge} />);
    fireEvent.change(await screen.findByTestId('file-input'), { target: { files: [textFile('a.txt', 'x')] } });
    await screen.findByText('2 pages');
    fireEvent.change(screen.getByLabelText('Fax number'), { target: { value: '12' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send test fax' }));
    expect(screen.getByTestId('number-help').textContent).toMatch(/The number/);
    expect(screen.getByLabelText('Fax number').getAttribute('aria-invalid')).toBe('true');
    expect(bridge.calls.some((c) => c.method === 'jobs:send')).toBe(false);
  });

  it('a UK number typed in national form: says it is not a US number and offers +44 in one click', async () => {
    render(<App bridge={bridge} />);
    const field = await screen.findByLabelText('Fax number');
    fireEvent.change(field, { target: { value: '020 7946 0018' } });
    const help = screen.getByTestId('number-help');
    expect(help.textContent).toContain('This is not a United States number.');
    expect(help.textContent).toContain('Did you mean United Kingdom? Use +44 20 7946 0018');
    expect(help.textContent).not.toMatch(/'to'|digits after the country code/);
    fireEvent.click(screen.getByRole('button', { name: 'Use +44 20 7946 0018' }));
    expect((field as HTMLInputElement).value).toBe('+44 20 7946 0018');
    expect(help.textContent).toContain('United Kingdom');
    expect(help.textContent).toContain('+442079460018');
  });

  it('flags garbage as it is typed, before leaving the field', async () => {
    render(<App bridge={bridge} />);
    const field = await screen.findByLabelText('Fax number');
    fireEvent.change(field, { target: { value: 'fax' } });
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('number-help').textContent).toMatch(/^The number must contain only digits/);
    // A short number still being typed is not an error yet.
    fireEvent.change(field, { target: { value: '202' } });
    expect(field.getAttribute('aria-invalid')).toBeNull();
  });

  it('refuses files that are not PDF or text, and files dropped anywhere land here', async () => {
    window.location.hash = '#/keys';
    render(<App bridge={bridge} />);
    await screen.findByRole('heading', { name: 'API keys' }).catch(() => undefined);
    const binary = new File([new Uint8Array([0, 1, 2, 3, 0, 255])], 'photo.bin');
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { files: [binary], types: ['Files'] } });
    await act(async () => {
      window.dispatchEvent(drop);
    });
    await waitFor(() => expect(window.location.hash).toBe('#/send'));
    expect(await screen.findByText(/Only PDF, plain-text and JPEG, PNG or TIFF image files can be faxed/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Send test fax' }).hasAttribute('disabled')).toBe(true);
  });

  it('opens the setup wizard on first launch', async () => {
    bridge = fakeBridge({
      'gateway:status': () => gatewayStatus({ setupCompleted: false }),
      'settings:get': () => settingsView(),
    });
    sessionStorage.clear();
    render(<App bridge={bridge} />);
    expect(await screen.findByRole('heading', { name: 'Set up faxing' })).toBeTruthy();
  });
});
