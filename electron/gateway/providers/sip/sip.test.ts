import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAmiEmulator, type AmiEmulator, type AmiEmulatorOptions } from '../../../../e2e/emulators/ami';
import { startS3Emulator } from '../../../../e2e/emulators/s3';
import { faxForm, startTestGateway, type TestGateway } from '../../testing/harness';
import { tiffPageCount } from '../../documents/tiff';
import type { BackendDescription, CheckResult } from '../../../../shared/types';
import { createSipFactory, type SipTimings } from './provider';

const PASSWORD = 'ami-secret';
const PDF = readFileSync(join(__dirname, '../../../../e2e/fixtures/three-page-letter.pdf'));
/** The emulator picks the outcome from the last four digits (e2e/emulators/ami.ts). */
const NUMBER = {
  success: '+15551230001',
  busy: '+15551230017',
  noAnswer: '+15551230030',
  congestion: '+15551230034',
  chanUnavail: '+15551230035',
  t38: '+15551230038',
  hangupBeforeResult: '+15551230044',
  silent: '+15551230050',
  dropConnection: '+15551230066',
};
const PHONE_LIKE = /\d{7,}/;

/** libtiff's own description of a TIFF (an independent reader). */
function tiffinfo(bytes: Buffer): string {
  const path = join(tmpdir(), `fbd-sip-${process.pid}-${Date.now()}.tif`);
  writeFileSync(path, bytes);
  try {
    return execFileSync('tiffinfo', [path], { encoding: 'utf8' });
  } finally {
    rmSync(path, { force: true });
  }
}

interface Rig {
  gw: TestGateway;
  emu: AmiEmulator;
  send(to: string, file?: { name: string; bytes: Uint8Array | string }): Promise<string>;
  close(): Promise<void>;
}

async function startRig(
  options: {
    emulator?: AmiEmulatorOptions;
    timings?: Partial<SipTimings>;
    maxAttempts?: number;
    password?: string;
    env?: Record<string, string>;
  } = {},
): Promise<Rig> {
  const emu = await startAmiEmulator({ secret: PASSWORD, ...options.emulator });
  const gw = await startTestGateway({
    env: {
      FAX_BACKEND: 'sip',
      ASTERISK_AMI_HOST: emu.host,
      ASTERISK_AMI_PORT: String(emu.port),
      ASTERISK_AMI_USERNAME: 'faxbot',
      ASTERISK_AMI_PASSWORD: options.password ?? PASSWORD,
      FAX_LOCAL_STATION_ID: '+15550009999',
      FAX_HEADER: 'Acme Dental',
      ...options.env,
    },
    settings: {
      retry: {
        busyDelaySeconds: 1,
        noAnswerDelaySeconds: 1,
        lineErrorDelaySeconds: 1,
        providerDelaySeconds: 1,
        maxAttempts: options.maxAttempts ?? 1,
      },
    },
    providerFactories: {
      sip: createSipFactory({
        pollIntervalMs: 30,
        hangupGraceMs: 150,
        connectWaitMs: 2_000,
        ami: { minBackoffMs: 30, maxBackoffMs: 200, pingIntervalMs: 1_000, actionTimeoutMs: 2_000 },
        ...options.timings,
      }),
    },
  });
  return {
    gw,
    emu,
    async send(to, file = { name: 'letter.pdf', bytes: PDF }) {
      const res = await gw.post('/fax', faxForm(to, file));
      if (res.status !== 202) throw new Error(`POST /fax answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    },
    async close() {
      await gw.close();
      await emu.close();
    },
  };
}

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('SIP/Asterisk over AMI (loopback AMI emulator)', () => {
  it('delivers: one Originate of a Local channel with the job as ActionID/ChannelId and Faxbot’s variables, then FaxResult', async () => {
    rig = await startRig();
    const id = await rig.send(NUMBER.success);
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed', 'retry_wait']);
    expect(done).toMatchObject({ state: 'delivered', attempts: 1, pages: 2 });
    expect(rig.emu.originates).toHaveLength(1);
    const originate = rig.emu.originates[0]!;
    expect(originate.actionId).toBe(`sip-${id}-1`);
    expect(originate.channelId).toBe(`sip-${id}-1`);
    expect(originate.channel).toBe('Local/s@faxout/n');
    expect(originate.application).toBe('Wait');
    expect(Number(originate.timeout)).toBeGreaterThan(60_000);
    expect(originate.callerId).toBe('+15550009999');
    expect(originate.variables).toMatchObject({ JOBID: `sip-${id}-1`, DEST: NUMBER.success, FAXHEADER: 'Acme Dental' });
    // FAXFILE was a 3-page fax TIFF in the spool folder when Asterisk read it, removed once the result came.
    expect(originate.variables.FAXFILE!.startsWith(join(rig.gw.dataDir, 'asterisk', 'out'))).toBe(true);
    expect(tiffPageCount(originate.faxFile!)).toBe(3);
    expect(existsSync(originate.variables.FAXFILE!)).toBe(false);
    expect(rig.emu.logins).toEqual([{ username: 'faxbot', ok: true }]);
  });

  it('with STORAGE_BACKEND=s3 the fax PDF is read back from the bucket for the TIFF conversion', async () => {
    const s3 = await startS3Emulator({ credentials: { AKIDSIP: 'sip-secret' }, buckets: ['faxes'] });
    try {
      rig = await startRig({
        env: {
          STORAGE_BACKEND: 's3',
          S3_BUCKET: 'faxes',
          S3_ENDPOINT_URL: s3.origin,
          S3_ACCESS_KEY_ID: 'AKIDSIP',
          S3_SECRET_ACCESS_KEY: 'sip-secret',
        },
      });
      const id = await rig.send(NUMBER.success);
      expect(await rig.gw.waitForJob(id, ['delivered', 'failed', 'retry_wait'])).toMatchObject({ state: 'delivered', attempts: 1 });
      expect(s3.log).toContain(`GET /faxes/outbound/${id}-fax.pdf → 200`);
      expect(tiffPageCount(rig.emu.originates[0]!.faxFile!)).toBe(3);
    } finally {
      await rig?.close();
      rig = null;
      await s3.close();
    }
  });

  it.each([
    ['busy', NUMBER.busy, 'busy', 'The line was busy.'],
    ['no answer', NUMBER.noAnswer, 'no_answer', 'No fax machine answered.'],
    ['congestion', NUMBER.congestion, 'line_error', 'The network was congested; the call did not go through.'],
    ['channel unavailable', NUMBER.chanUnavail, 'provider_unavailable', 'The SIP trunk was unavailable; the call was not placed.'],
  ])('%s is read from our dialplan’s FaxDial event and classified for the retry policy', async (_name, to, failureClass, error) => {
    rig = await startRig();
    const id = await rig.send(to);
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({ state: 'failed', failure_class: failureClass, attempts: 1, error });
    expect(done.error).not.toMatch(PHONE_LIKE);
  });

  it('with Faxbot’s own dialplan (no FaxDial), busy is still read from the standard OriginateResponse Reason 5', async () => {
    rig = await startRig({ emulator: { dialplan: 'faxbot' } });
    const id = await rig.send(NUMBER.busy);
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'busy' });
  });

  it('busy is retried by the retry policy and the second attempt is a new Originate', async () => {
    rig = await startRig({ maxAttempts: 2 });
    const id = await rig.send(NUMBER.busy);
    const mid = await rig.gw.waitForJob(id, ['retry_wait', 'failed']);
    expect(mid).toMatchObject({ state: 'retry_wait', failure_class: 'busy', attempts: 1 });
    const done = await rig.gw.waitForJob(id, ['failed', 'delivered'], 10_000);
    expect(done).toMatchObject({ state: 'failed', attempts: 2 });
    expect(rig.emu.originates.map((o) => o.actionId)).toEqual([`sip-${id}-1`, `sip-${id}-2`]);
  });

  it('a T.38 failure reported by FaxResult FAILED is a line error with Asterisk’s reason', async () => {
    rig = await startRig();
    const id = await rig.send(NUMBER.t38);
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'line_error', error: 'The fax failed: T.38 negotiation failed.' });
  });

  it('a hangup before any result (SendFAX returned -1) fails the attempt after the grace period instead of hanging', async () => {
    rig = await startRig();
    const id = await rig.send(NUMBER.hangupBeforeResult);
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({
      state: 'failed',
      failure_class: 'line_error',
      error: 'The call ended before Asterisk reported a fax result.',
    });
  });

  it('the watchdog fails an attempt that never gets any result, without dialling again', async () => {
    rig = await startRig({ timings: { watchdogMs: 400 }, maxAttempts: 3 });
    const id = await rig.send(NUMBER.silent);
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({ state: 'failed', failure_class: 'unknown', attempts: 1 });
    expect(done.error).toMatch(/never reported a result/);
    expect(rig.emu.originates).toHaveLength(1);
  });

  it('a connection dropped mid-job reconnects with backoff, logs in again, and still gets the result', async () => {
    rig = await startRig();
    const id = await rig.send(NUMBER.dropConnection);
    const done = await rig.gw.waitForJob(id, ['delivered', 'failed']);
    expect(done).toMatchObject({ state: 'delivered' });
    expect(rig.emu.logins.filter((l) => l.ok).length).toBeGreaterThanOrEqual(2);
    expect(rig.emu.originates).toHaveLength(1);
  });

  it('frames split into 3-byte reads with unrelated events interleaved are parsed exactly', async () => {
    rig = await startRig({ emulator: { chunkBytes: 3 } });
    const id = await rig.send(NUMBER.success);
    expect(await rig.gw.waitForJob(id, ['delivered', 'failed'])).toMatchObject({ state: 'delivered', pages: 2 });
  });

  it('a wrong AMI password: the login answer is checked, nothing is dialled, and the job waits to retry', async () => {
    rig = await startRig({ password: 'wrong', maxAttempts: 2 });
    const id = await rig.send(NUMBER.success);
    const mid = await rig.gw.waitForJob(id, ['retry_wait', 'failed']);
    expect(mid).toMatchObject({ state: 'retry_wait', failure_class: 'provider_unavailable' });
    expect(mid.error).toMatch(/refused the AMI login/);
    expect(mid.error).not.toContain('wrong');
    expect(rig.emu.originates).toHaveLength(0);
    const check = await rig.gw.invoke('setup:check', { backend: 'sip' });
    expect(check.ok && (check.value as CheckResult[]).find((c) => c.id === 'credentials')).toMatchObject({
      state: 'fail',
      label: 'Asterisk AMI login',
    });
  });

  it('a fax sent at standard resolution is rendered at 204×98 (1078 lines per Letter page); a bad choice is a 400', async () => {
    rig = await startRig();
    const form = faxForm(NUMBER.success, { name: 'letter.pdf', bytes: PDF });
    form.append('resolution', 'standard');
    const res = await rig.gw.post('/fax', form);
    expect(res.status).toBe(202);
    await rig.gw.waitForJob(res.body.id, ['delivered', 'failed']);
    const info = tiffinfo(rig.emu.originates[0]!.faxFile!);
    expect(info).toContain('Image Width: 1728 Image Length: 1078');
    expect(info).toContain('Resolution: 204, 98 pixels/inch');
    const bad = faxForm(NUMBER.success, { name: 'letter.pdf', bytes: PDF });
    bad.append('resolution', 'superfine');
    expect(await rig.gw.post('/fax', bad)).toMatchObject({ status: 400, body: { detail: "resolution must be 'fine' or 'standard'" } });
    // The desktop door takes the same choice.
    const sent = await rig.gw.invoke('jobs:send', {
      to: NUMBER.success,
      documents: [{ name: 'letter.pdf', contentBase64: PDF.toString('base64') }],
      resolution: 'standard',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    await rig.gw.waitForJob((sent.value as { id: string }).id, ['delivered', 'failed']);
    expect(tiffinfo(rig.emu.originates[1]!.faxFile!)).toContain('Image Length: 1078');
  });

  it('a peer that stops answering keep-alive pings is dropped and the session re-established', async () => {
    rig = await startRig({
      emulator: { ignorePings: true },
      timings: { ami: { pingIntervalMs: 100, actionTimeoutMs: 100, minBackoffMs: 20 } },
    });
    const deadline = Date.now() + 5_000;
    while (rig.emu.logins.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(rig.emu.logins.length).toBeGreaterThanOrEqual(2);
  });

  it('an attempt already handed to Asterisk is found by reconciliation and never originated twice', async () => {
    rig = await startRig({ timings: { watchdogMs: 60_000 } });
    const id = await rig.send(NUMBER.silent);
    await rig.gw.waitForJob(id, ['sending']);
    const deadline = Date.now() + 5_000;
    while (rig.emu.originates.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    const provider = rig.gw.core.providers.forBackend('sip')!;
    const request = { jobId: id, attempt: 1, idempotencyKey: `${id}-1`, toE164: NUMBER.silent, jobCreatedAt: 0 };
    expect(await provider.lookup!(request, AbortSignal.timeout(1000))).toMatchObject({ providerId: `sip-${id}-1` });
    expect(await provider.lookup!({ ...request, attempt: 2 }, AbortSignal.timeout(1000))).toBeNull();
    const again = await provider.submit(
      { ...request, document: rig.gw.core.outboundDocuments.handle('/nonexistent.pdf'), pages: 3, mediaUrl: null, callbackUrl: null },
      AbortSignal.timeout(1000),
    );
    expect(again.providerId).toBe(`sip-${id}-1`);
    expect(rig.emu.originates).toHaveLength(1);
  });

  it('the Setup wizard’s SIP step checks the AMI login live and Ghostscript', async () => {
    rig = await startRig();
    const check = await rig.gw.invoke('setup:check', { backend: 'sip' });
    if (!check.ok) throw new Error(check.error.message);
    const checks = check.value as CheckResult[];
    expect(checks.find((c) => c.id === 'credentials')).toMatchObject({ state: 'pass', label: 'Asterisk AMI login' });
    expect(checks.find((c) => c.id === 'ghostscript')).toMatchObject({ state: 'pass' });
    const backends = await rig.gw.invoke('setup:backends', {});
    expect(backends.ok && (backends.value as BackendDescription[]).map((b) => b.id)).toEqual([
      'simulator',
      'phaxio',
      'sinch',
      'signalwire',
      'sip',
    ]);
  });
});
