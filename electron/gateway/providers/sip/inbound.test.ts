import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../testing/harness';

const SECRET = 'sekret-inbound-0123456789';
const FIXTURE = join(__dirname, '../../../../e2e/fixtures/three-page-letter.pdf');

let scratch: string;
/** A real 3-page fax TIFF, made once with Ghostscript the way Asterisk's ReceiveFAX would store one. */
let faxTiff: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'fbd-sip-in-'));
  faxTiff = join(scratch, 'fax.tif');
  execFileSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=tiffg4', '-r204x98', `-sOutputFile=${faxTiff}`, FIXTURE]);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function start(env: Record<string, string> = {}): Promise<{ gw: TestGateway; spool: string }> {
  gw = await startTestGateway({
    env: { INBOUND_ENABLED: 'true', ASTERISK_INBOUND_SECRET: SECRET, API_KEY: 'bootstrap', REQUIRE_API_KEY: 'true', ...env },
  });
  const spool = join(gw.dataDir, 'asterisk');
  mkdirSync(join(spool, 'in'), { recursive: true });
  return { gw, spool };
}

const post = (body: unknown, secret: string | null = SECRET) =>
  gw!.json('POST', '/_internal/asterisk/inbound', body, secret === null ? {} : { 'x-internal-secret': secret });

describe('POST /_internal/asterisk/inbound (Faxbot’s Asterisk hook)', () => {
  it('stores a received TIFF as a PDF in the Inbox, readable through /inbound like any inbound fax', async () => {
    const { spool } = await start();
    const tiffPath = join(spool, 'in', '1700000000.42.tif');
    copyFileSync(faxTiff, tiffPath);
    const res = await post({
      tiff_path: tiffPath,
      to_number: '+15551234567',
      from_number: '+15550001111',
      faxstatus: 'received',
      faxpages: 3,
      uniqueid: '1700000000.42',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.any(String), status: 'ok' });
    const id = res.body.id as string;
    const admin = { 'x-api-key': 'bootstrap' };
    const key = (await gw!.json('POST', '/admin/api-keys', { scopes: ['inbound:list', 'inbound:read'] }, admin)).body.token as string;
    const list = await gw!.get('/inbound', { 'x-api-key': key });
    expect(list.body[0]).toMatchObject({ id, fr: '+15550001111', to: '+15551234567', backend: 'sip', pages: 3, status: 'received' });
    const pdf = await gw!.get(`/inbound/${id}/pdf`, { 'x-api-key': key });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    // Three pages made it through tiff2pdf.
    expect(pdf.bytes.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(3);
  });

  it('a repeated uniqueid stores one fax and answers with the same id', async () => {
    const { spool } = await start();
    const tiffPath = join(spool, 'in', 'a.tif');
    copyFileSync(faxTiff, tiffPath);
    const first = await post({ tiff_path: tiffPath, uniqueid: 'abc123' });
    const again = await post({ tiff_path: tiffPath, uniqueid: 'abc123' });
    expect(first.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const page = await gw!.invoke('inbound:list', {});
    expect(page.ok && (page.value as { total: number }).total).toBe(1);
  });

  it('refuses a missing or wrong secret (401), and every request while no secret is configured', async () => {
    const { spool } = await start();
    const tiffPath = join(spool, 'in', 'b.tif');
    copyFileSync(faxTiff, tiffPath);
    expect(await post({ tiff_path: tiffPath }, null)).toMatchObject({ status: 401, body: { detail: 'Invalid internal secret' } });
    expect(await post({ tiff_path: tiffPath }, `${SECRET}x`)).toMatchObject({ status: 401, body: { detail: 'Invalid internal secret' } });
    expect(await post({ tiff_path: tiffPath }, SECRET.slice(0, -1))).toMatchObject({ status: 401 });
    await gw!.close();
    gw = await startTestGateway({ env: { INBOUND_ENABLED: 'true' } });
    expect(await post({ tiff_path: tiffPath }, 'anything')).toMatchObject({
      status: 401,
      body: { detail: 'Internal secret not configured' },
    });
  });

  it('answers 404 when inbound is turned off, like every provider’s inbound route', async () => {
    await start({ INBOUND_ENABLED: 'false' });
    expect(await post({ tiff_path: '/x.tif' })).toMatchObject({ status: 404, body: { detail: 'Inbound not enabled' } });
  });

  it('refuses paths outside the spool folder: traversal, absolute paths, symlinks out, the folder itself', async () => {
    const { spool } = await start();
    const outside = join(scratch, 'outside.tif');
    copyFileSync(faxTiff, outside);
    symlinkSync(outside, join(spool, 'in', 'link.tif'));
    symlinkSync(scratch, join(spool, 'in', 'dirlink'));
    for (const tiff_path of [
      outside,
      join(spool, '..', '..', 'outside.tif'),
      join(spool, 'in', '..', '..', 'gateway.db'),
      '../gateway.db',
      join(spool, 'in', 'link.tif'),
      join(spool, 'in', 'dirlink', 'outside.tif'),
      spool,
      '/etc/passwd',
      join(spool, 'in', 'missing.tif'),
    ]) {
      const res = await post({ tiff_path, uniqueid: `u-${tiff_path.length}` });
      expect(res, tiff_path).toMatchObject({ status: 400, body: { detail: 'tiff_path must name a file in the Asterisk spool folder' } });
    }
    const page = await gw!.invoke('inbound:list', {});
    expect(page.ok && (page.value as { total: number }).total).toBe(0);
  });

  it('rejects bodies without tiff_path and files that are not TIFFs with a clear 400', async () => {
    const { spool } = await start();
    expect(await post({ uniqueid: 'x' })).toMatchObject({ status: 400, body: { detail: 'Invalid payload: tiff_path is required' } });
    writeFileSync(join(spool, 'in', 'fake.tif'), 'TIFF_PLACEHOLDER');
    expect(await post({ tiff_path: join(spool, 'in', 'fake.tif') })).toMatchObject({
      status: 400,
      body: { detail: 'tiff_path is not a TIFF file' },
    });
  });

  it('honours ASTERISK_SPOOL_DIR', async () => {
    const shared = join(scratch, 'shared-spool');
    mkdirSync(shared, { recursive: true });
    await start({ ASTERISK_SPOOL_DIR: shared });
    copyFileSync(faxTiff, join(shared, 'c.tif'));
    expect((await post({ tiff_path: join(shared, 'c.tif'), uniqueid: 'c' })).status).toBe(200);
  });
});
