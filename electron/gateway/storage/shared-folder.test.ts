import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';
import { LocalArtifactStore } from './artifact-store';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let shared: string | null = null;
const gateways: TestGateway[] = [];
afterEach(async () => {
  for (const gw of gateways.splice(0)) await gw.close();
  if (shared) rmSync(shared, { recursive: true, force: true });
  shared = null;
});

/** A PDF over the in-memory limit, so it streams to a staging file in the shared folder. */
async function largePdf(label: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([612, 792]).drawText(label, { x: 72, y: 700, size: 24 });
  await doc.attach(randomBytes(300 * 1024), 'scan.bin', { mimeType: 'application/octet-stream' });
  return doc.save();
}

describe('two gateways on one shared documents folder', () => {
  it('accept faxes at the same time without touching each other’s files; retention on one leaves the other’s', async () => {
    shared = mkdtempSync(join(tmpdir(), 'fbd-shared-docs-'));
    for (let i = 0; i < 2; i += 1) {
      gateways.push(await startTestGateway({ documentsDir: shared, env: { ARTIFACT_TTL_DAYS: '1' } }));
    }
    const [a, b] = gateways as [TestGateway, TestGateway];
    const sent: { gw: TestGateway; id: string; bytes: Uint8Array | null }[] = [];
    const sendFrom = async (gw: TestGateway, n: number) => {
      const large = n % 4 === 0;
      const bytes = large ? await largePdf(`fax ${n}`) : new TextEncoder().encode(`memo ${n} from ${gw.url}`);
      const res = await gw.post('/fax', faxForm('+15551230001', { name: large ? 'scan.pdf' : 'memo.txt', bytes }));
      expect(res.status).toBe(202);
      sent.push({ gw, id: res.body.id as string, bytes: large ? bytes : null });
    };
    await Promise.all(Array.from({ length: 24 }, (_, n) => sendFrom(n % 2 === 0 ? a : b, n)));
    for (const { gw, id } of sent) expect((await gw.waitForJob(id, ['delivered', 'failed'], 15_000)).state).toBe('delivered');

    const files = readdirSync(join(shared, 'jobs'));
    // Every job's fax PDF is in the shared folder; no staging or temporary file is left behind.
    expect(files.filter((name) => name.endsWith('-fax.pdf')).length + files.filter((n) => n.endsWith('-upload.pdf')).length).toBe(
      files.length,
    );
    expect(files.filter((name) => /\.(part|tmp)$/.test(name))).toEqual([]);
    const store = new LocalArtifactStore(join(shared, 'jobs'));
    for (const { gw, id, bytes } of sent) {
      const row = await gw.core.jobs.row(id);
      expect(row.pdf_path).toMatch(/^local:/);
      const pdf = await gw.core.jobs.readPdf(row);
      expect(pdf?.subarray(0, 5).toString()).toBe('%PDF-');
      // A large upload is the fax document itself: byte for byte what the sender posted.
      if (bytes) expect(sha(readFileSync(store.pathFor(`${id}-upload.pdf`)))).toBe(sha(bytes));
    }

    // Retention on A removes only A's documents (it only knows its own jobs).
    // A's jobs finished two days ago, well past the one-day TTL (not on its edge, where one millisecond decides).
    const twoDaysAgo = Date.now() - 2 * 86_400_000;
    const ownedByA = sent.filter((s) => s.gw === a);
    const ownedByB = sent.filter((s) => s.gw === b);
    for (const { id } of ownedByA) a.core.db.prepare('UPDATE jobs SET updated_at = ? WHERE id = ?').run(twoDaysAgo, id);
    expect((await a.core.retention.runOnce()).outbound).toBe(ownedByA.length);
    for (const { id } of ownedByA) expect(await a.core.jobs.readPdf(await a.core.jobs.row(id))).toBeNull();
    for (const { id } of ownedByB) expect((await b.core.jobs.readPdf(await b.core.jobs.row(id)))?.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a third gateway starting on the folder leaves an upload in progress alone', async () => {
    shared = mkdtempSync(join(tmpdir(), 'fbd-shared-docs-'));
    gateways.push(await startTestGateway({ documentsDir: shared }));
    const [a] = gateways as [TestGateway];
    // An upload that is being written right now (staging file, just touched) by gateway A.
    const staged = await a.core.intake.stageUpload({
      fileName: 'scan.pdf',
      stream: (async function* () {
        yield Buffer.from(await largePdf('in progress'));
      })() as never,
    });
    expect(staged.uploadPath).not.toBe('');
    gateways.push(await startTestGateway({ documentsDir: shared }));
    expect(readdirSync(join(shared, 'jobs'))).toContain(staged.uploadPath.split('/').pop());
    const job = await a.core.intake.commitUpload(staged, '+15551230001', null);
    expect((await a.waitForJob(job.id, ['delivered', 'failed'], 10_000)).state).toBe('delivered');
  });
});
