// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretName } from '../../shared/settings';
import { App } from '../App';
import { fakeBridge, gatewayStatus, settingsView } from '../test/fake-bridge';

afterEach(cleanup);

describe('Setup wizard', () => {
  it('configures Phaxio: secrets are write-only, each step is checked, callbacks can be copied', async () => {
    window.location.hash = '#/setup';
    const saved: SecretName[] = [];
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus({ setupCompleted: false }),
      'settings:get': () => settingsView(),
      // What the gateway's Phaxio provider folder describes (served as setup:backends).
      'setup:backends': () => [
        { id: 'simulator', name: 'Test mode', blurb: 'Nothing is dialled.', fields: [], secrets: [], publicUrlNeed: '' },
        {
          id: 'phaxio',
          name: 'Phaxio',
          blurb: 'Cloud fax service.',
          fields: [{ key: 'verifySignature', label: 'Verify callback signatures', kind: 'checkbox' }],
          secrets: [
            { name: 'phaxio.apiKey', label: 'API key' },
            { name: 'phaxio.apiSecret', label: 'API secret' },
          ],
          publicUrlNeed: 'Phaxio reports delivery by calling back a public address.',
        },
      ],
      'settings:setSecret': ({ name }) => {
        saved.push(name);
        return settingsView(saved);
      },
      'settings:update': () => settingsView(saved),
      'setup:check': () => [
        { id: 'creds', label: 'Phaxio accepts the credentials', state: 'pass', detail: 'Account OK' },
        { id: 'public', label: 'Public address', state: 'fail', detail: 'Not set', fix: 'Start a tunnel or enter an https address.' },
      ],
      'setup:callbackUrls': () => [{ label: 'Fax status callback', url: 'https://fax.example.com/phaxio-callback' }],
      'setup:complete': () => gatewayStatus({ backend: 'phaxio', testMode: false, setupCompleted: true }),
    });
    render(<App bridge={bridge} />);
    fireEvent.click(await screen.findByRole('radio', { name: /Phaxio/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));

    fireEvent.change(screen.getByLabelText(/^API key/), { target: { value: 'key-value-123' } });
    fireEvent.change(screen.getByLabelText(/^API secret/), { target: { value: 'secret-value-456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and check' }));
    expect(await screen.findByText('Start a tunnel or enter an https address.')).toBeTruthy();
    expect(bridge.calls.filter((c) => c.method === 'settings:setSecret').map((c) => c.input)).toEqual([
      { name: 'phaxio.apiKey', value: 'key-value-123' },
      { name: 'phaxio.apiSecret', value: 'secret-value-456' },
    ]);
    // Saved secrets are never shown back: the fields are empty and say "saved".
    expect((screen.getByLabelText(/^API key/) as HTMLInputElement).value).toBe('');
    expect(screen.getAllByText('(saved ✓)')).toHaveLength(2);
    expect(document.body.innerHTML).not.toContain('secret-value-456');

    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByLabelText(/Public address of this gateway/);
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(((await screen.findByLabelText('Fax status callback')) as HTMLInputElement).value).toBe(
      'https://fax.example.com/phaxio-callback',
    );
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Finish: use Phaxio' }));
    await waitFor(() => expect(window.location.hash).toBe('#/send'));
    expect(bridge.calls.some((c) => c.method === 'setup:complete')).toBe(true);
    expect(bridge.calls.find((c) => c.method === 'settings:update' && JSON.stringify(c.input).includes('"backend"'))?.input).toEqual({
      patch: { backend: 'phaxio' },
    });
  });

  it('test mode: step 2 is named for what it holds, the skipped public-address step is not ticked, results are announced', async () => {
    window.location.hash = '#/setup';
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus({ setupCompleted: false }),
      'settings:get': () => settingsView(),
      'settings:update': () => settingsView(),
      'setup:check': () => [{ id: 'credentials', label: 'Provider credentials', state: 'pass', detail: 'Test mode is configured.' }],
      'setup:callbackUrls': () => [],
    });
    render(<App bridge={bridge} />);
    fireEvent.click(await screen.findByRole('radio', { name: /Test mode/ }));
    const live = screen.getByTestId('wizard-checks');
    expect(live.getAttribute('aria-live')).toBe('polite');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('heading', { name: 'Step 2 of 4: Test options' })).toBeTruthy();
    expect(screen.queryByText('Credentials')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('heading', { name: 'Step 4 of 4: Check and finish' });
    const steps = screen.getByRole('list', { name: 'Setup steps' }).querySelectorAll('li');
    const publicStep = Array.from(steps).find((li) => li.textContent?.startsWith('–Public address')) as HTMLElement;
    expect(publicStep.className).toBe('skipped');
    expect(publicStep.textContent).toContain('not needed in test mode');
    expect(Array.from(steps).map((li) => li.querySelector('.step-number')?.textContent)).toEqual(['✓', '✓', '–', '4']);
    // The same live region (present before the results) now holds them, with a summary.
    await waitFor(() => expect(live.textContent).toContain('1 check: 1 passed.'));
  });

  it('the last step asks who is sending (optional) and saves only what was typed, with the chosen service', async () => {
    window.location.hash = '#/setup';
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus({ setupCompleted: false }),
      'settings:get': () => settingsView(),
      'settings:update': () => settingsView(),
      'setup:check': () => [{ id: 'credentials', label: 'Provider credentials', state: 'pass', detail: 'Test mode is configured.' }],
      'setup:callbackUrls': () => [],
      'setup:complete': () => gatewayStatus({ setupCompleted: true }),
    });
    render(<App bridge={bridge} />);
    fireEvent.click(await screen.findByRole('radio', { name: /Test mode/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('heading', { name: 'Step 2 of 4: Test options' });
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('heading', { name: 'Step 4 of 4: Check and finish' });
    expect(screen.getByRole('group', { name: 'Your details (optional)' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Company'), { target: { value: ' Riverside Clinic ' } });
    fireEvent.change(screen.getByLabelText('Your fax number'), { target: { value: '+15551230000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Finish: use Test mode' }));
    await waitFor(() => expect(bridge.calls.some((c) => c.method === 'setup:complete')).toBe(true));
    const update = bridge.calls.filter((c) => c.method === 'settings:update').at(-1);
    expect(update?.input).toEqual({ patch: { backend: 'simulator', sender: { company: 'Riverside Clinic', fax: '+15551230000' } } });
  });
});
