import { afterEach, describe, expect, it } from 'vitest';
import type { DiagnosticsReport } from '../../../shared/types';
import { simulatorModule } from '../providers/simulator/module';
import { startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function check(id: string) {
  const report = (await gw!.invoke('diagnostics:run', {})) as { ok: true; value: DiagnosticsReport };
  return report.value.checks.find((c) => c.id === id);
}

describe('diagnostics', () => {
  it('says the disk is full while it is, and passes again once the probe finds room', async () => {
    let room = false;
    gw = await startTestGateway({
      disk: {
        probe: async () => {
          if (!room) throw new Error('still full');
        },
      },
    });
    gw.core.disk.report(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    expect(await check('data_dir')).toMatchObject({ state: 'fail', detail: expect.stringMatching(/^The disk is full: /) });
    room = true;
    expect(await check('data_dir')).toMatchObject({ state: 'pass' });
    expect((await gw.core.status()).diskProblem).toBeNull();
  });

  it('in test mode: every check passes or is skipped, and the missing API key requirement is a warning with a fix', async () => {
    gw = await startTestGateway();
    const report = (await gw.invoke('diagnostics:run', {})) as { ok: true; value: DiagnosticsReport };
    expect(report.value.checks.filter((c) => c.state === 'fail')).toEqual([]);
    expect(await check('api_keys')).toMatchObject({ state: 'warn', fix: expect.stringMatching(/REQUIRE_API_KEY/) });
  });

  it('tells whether callbacks can be verified, per backend, without revealing the secret', async () => {
    gw = await startTestGateway({
      env: {
        FAX_BACKEND: 'signalwire',
        SIGNALWIRE_SPACE_URL: 'http://127.0.0.1:9',
        SIGNALWIRE_PROJECT_ID: 'p',
        SIGNALWIRE_API_TOKEN: 't',
        SIGNALWIRE_FAX_FROM_E164: '+15551230000',
      },
    });
    expect(await check('callback_security')).toMatchObject({ state: 'warn', fix: expect.stringMatching(/SIGNALWIRE_WEBHOOK_SIGNING_KEY/) });
    await gw.invoke('settings:setSecret', { name: 'signalwire.signingKey', value: 'PSK_secret_value' });
    const verified = await check('callback_security');
    expect(verified).toMatchObject({ state: 'pass' });
    expect(JSON.stringify(verified)).not.toContain('PSK_secret_value');
  });

  it('says plainly when a backend is not in this build, instead of asking for credentials', async () => {
    // A build that ships only test mode.
    gw = await startTestGateway({ providerFactories: { simulator: simulatorModule.factory } });
    const checks = await gw.invoke('setup:check', { backend: 'sip' });
    if (!checks.ok) throw new Error(checks.error.message);
    expect((checks.value as { id: string }[]).find((c) => c.id === 'credentials')).toMatchObject({
      state: 'fail',
      detail: 'Sending through sip is not available in this version of Faxbot Desktop.',
      fix: 'Choose another fax service in Setup.',
    });
  });

  it('SIP without an AMI password names the missing setting', async () => {
    gw = await startTestGateway({ env: { FAX_BACKEND: 'sip' } });
    expect(await check('credentials')).toMatchObject({
      state: 'fail',
      detail: 'The sip backend is not ready: ASTERISK_AMI_PASSWORD is not set.',
    });
  });

  it('fails the public URL check with a reason when ENFORCE_PUBLIC_HTTPS meets a plain-http URL', async () => {
    gw = await startTestGateway({ env: { FAX_BACKEND: 'signalwire', PUBLIC_API_URL: 'http://fax.example.com' } });
    expect(await check('public_url')).toMatchObject({ state: 'fail', detail: expect.stringMatching(/HTTPS/) });
  });
});
