import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decideTransition } from '../../../shared/status';
import type { NewJobRecord, Store } from './types';

/**
 * One behaviour suite for every engine: `describeStoreSuite('sqlite', open)` here, PostgreSQL next.
 * It speaks only the repository interfaces (no SQL, no engine types), and each test opens an empty store.
 */
export function describeStoreSuite(engine: string, open: () => Promise<{ store: Store; close: () => Promise<void> }>): void {
  describe(`store (${engine})`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let serial = 0;

    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    const newJob = (fields: Partial<NewJobRecord> = {}): NewJobRecord => {
      serial += 1;
      return {
        id: `job${String(serial).padStart(4, '0')}`,
        toInput: '+1 555 123 0001',
        toE164: '+15551230001',
        backend: 'simulator',
        testMode: true,
        fileName: 'letter.txt',
        sourceKind: 'txt',
        uploadPath: '',
        uploadBytes: Buffer.from('hello fax'),
        pdfPath: null,
        pages: null,
        apiKeyId: null,
        resentFrom: null,
        resolution: null,
        batchId: null,
        sendAt: null,
        coverTemplate: null,
        maxAttempts: 3,
        queuedMessage: 'Queued',
        ...fields,
      };
    };

    describe('jobs', () => {
      it('creates queued jobs with their upload bytes and a first timeline line', async () => {
        const [row] = await store.jobs.createMany([newJob({ id: 'a1' })], 1_000);
        expect(row).toMatchObject({ id: 'a1', status: 'queued', attempts: 0, max_attempts: 3, next_attempt_at: 1_000, created_at: 1_000 });
        expect(await store.jobs.get('a1')).toEqual(row);
        expect((await store.jobs.upload('a1'))?.toString()).toBe('hello fax');
        expect(await store.jobs.events('a1')).toMatchObject([
          { job_id: 'a1', at: 1_000, kind: 'status', status: 'queued', message: 'Queued' },
        ]);
        expect(await store.jobs.get('missing')).toBeNull();
      });

      it('creates a burst all or nothing: one bad row (a duplicate id) leaves none of its neighbours', async () => {
        await store.jobs.createMany([newJob({ id: 'dup' })], 1);
        await expect(store.jobs.createMany([newJob({ id: 'fresh' }), newJob({ id: 'dup' })], 2)).rejects.toThrow();
        expect(await store.jobs.get('fresh')).toBeNull();
        expect(await store.jobs.inFlightCount()).toBe(1);
      });

      it("writes the jobs' audit rows in their transaction: committed with them, gone with them", async () => {
        const auditFor = (rows: readonly { id: string }[]) =>
          rows.map((r) => ({ ts: 1, event: 'job_created', fields: `{"job_id":"${r.id}"}` }));
        await store.jobs.createMany([newJob({ id: 'au1' })], 1, auditFor);
        await expect(store.jobs.createMany([newJob({ id: 'au2' }), newJob({ id: 'au1' })], 2, auditFor)).rejects.toThrow();
        expect(await store.audit.recent(10, 'job_created')).toEqual([{ ts: 1, event: 'job_created', fields: '{"job_id":"au1"}' }]);
      });

      it('a scheduled job is not due before its time', async () => {
        await store.jobs.createMany([newJob({ id: 'later', sendAt: 5_000 })], 1_000);
        const lease = { owner: 'w1', expiresAt: 10_000, limit: 10, pausedBackends: [] };
        expect(await store.jobs.leaseDue({ ...lease, now: 4_999 })).toEqual([]);
        expect((await store.jobs.leaseDue({ ...lease, now: 5_000 })).map((r) => r.id)).toEqual(['later']);
      });

      it('applies the state machine inside the write: terminal states never regress, each change is a timeline row', async () => {
        await store.jobs.createMany([newJob({ id: 't1' })], 1);
        const fields = { attempts: 1, submit_state: 'submitting' as const };
        const sending = await store.jobs.transition(
          't1',
          { to: 'sending', fields, kind: 'attempt', message: 'Attempt 1', now: 2 },
          decideTransition,
        );
        expect(sending).toMatchObject({
          applied: true,
          row: { status: 'sending', attempts: 1, submit_state: 'submitting', updated_at: 2 },
        });
        await store.jobs.transition('t1', { to: 'delivered', fields: {}, kind: 'status', message: 'Delivered', now: 3 }, decideTransition);
        const late = await store.jobs.transition(
          't1',
          { to: 'failed', fields: { error: 'late' }, kind: 'status', message: 'x', now: 4 },
          decideTransition,
        );
        expect(late).toMatchObject({ applied: false, row: { status: 'delivered', error: null, updated_at: 3 } });
        expect((await store.jobs.events('t1')).map((e) => e.status)).toEqual(['queued', 'sending', 'delivered']);
        expect(
          await store.jobs.transition('nope', { to: 'failed', fields: {}, kind: 'status', message: 'x', now: 5 }, decideTransition),
        ).toBeNull();
      });

      it('counts queued, in-progress and recently failed jobs', async () => {
        await store.jobs.createMany([newJob({ id: 'c1' }), newJob({ id: 'c2' }), newJob({ id: 'c3' }), newJob({ id: 'c4' })], 1);
        const fail = (id: string, now: number) =>
          store.jobs.transition(id, { to: 'failed', fields: {}, kind: 'status', message: 'Failed', now }, decideTransition);
        await store.jobs.transition('c1', { to: 'sending', fields: {}, kind: 'attempt', message: 'a', now: 2 }, decideTransition);
        await fail('c2', 10);
        await fail('c3', 100);
        expect(await store.jobs.statusCounts(50)).toEqual({ queued: 1, inProgress: 1, failedSince: 1 });
        expect(await store.jobs.inFlightCount()).toBe(2);
      });

      it('records the prepared PDF without touching updated_at', async () => {
        await store.jobs.createMany([newJob({ id: 'pp' })], 1);
        expect(await store.jobs.savePrepared('pp', '/data/pp.pdf', 2)).toMatchObject({ pdf_path: '/data/pp.pdf', pages: 2, updated_at: 1 });
        expect(await store.jobs.savePrepared('gone', '/data/x.pdf', 1)).toBeNull();
      });

      it('refuses a field that is not a job column', async () => {
        await store.jobs.createMany([newJob({ id: 'p1' })], 1);
        await expect(store.jobs.patch('p1', { ['status; DROP TABLE jobs' as 'error']: 'x' }, 2)).rejects.toThrow(/Unknown job column/);
        expect((await store.jobs.get('p1'))?.status).toBe('queued');
      });

      it('patches fields with an optional timeline line and finds jobs by provider id', async () => {
        await store.jobs.createMany([newJob({ id: 'p2' })], 1);
        const row = await store.jobs.patch('p2', { provider_id: 'PX-9', provider_status: 'queued' }, 7, {
          kind: 'provider',
          message: 'Accepted',
        });
        expect(row).toMatchObject({ provider_id: 'PX-9', provider_status: 'queued', updated_at: 7 });
        expect((await store.jobs.findByProviderId('simulator', 'PX-9'))?.id).toBe('p2');
        expect(await store.jobs.findByProviderId('phaxio', 'PX-9')).toBeNull();
        expect((await store.jobs.events('p2')).at(-1)).toMatchObject({ kind: 'provider', status: null, message: 'Accepted' });
      });

      it('two owners never lease the same job; paused backends and leased jobs are skipped', async () => {
        await store.jobs.createMany(
          [newJob({ id: 'l1' }), newJob({ id: 'l2' }), newJob({ id: 'l3', backend: 'phaxio' }), newJob({ id: 'l4' })],
          1,
        );
        const first = await store.jobs.leaseDue({ owner: 'w1', now: 10, expiresAt: 100, limit: 2, pausedBackends: ['phaxio'] });
        const second = await store.jobs.leaseDue({ owner: 'w2', now: 10, expiresAt: 100, limit: 10, pausedBackends: ['phaxio'] });
        expect(first).toHaveLength(2);
        expect(first.every((r) => r.lease_owner === 'w1' && r.lease_expires_at === 100)).toBe(true);
        expect(second.map((r) => r.id)).toEqual(['l1', 'l2', 'l4'].filter((id) => !first.some((r) => r.id === id)));
        expect(await store.jobs.leaseDue({ owner: 'w3', now: 10, expiresAt: 100, limit: 10, pausedBackends: [] })).toMatchObject([
          { id: 'l3' },
        ]);
      });

      it('reports leases of other owners and expired leases as stale; setLease clears or renews', async () => {
        await store.jobs.createMany([newJob({ id: 's1' }), newJob({ id: 's2' })], 1);
        await store.jobs.leaseDue({ owner: 'dead', now: 10, expiresAt: 1_000, limit: 1, pausedBackends: [] });
        await store.jobs.leaseDue({ owner: 'me', now: 10, expiresAt: 50, limit: 1, pausedBackends: [] });
        expect((await store.jobs.staleLeases('me', 20, 10)).map((r) => r.id)).toEqual(['s1']);
        expect((await store.jobs.staleLeases('me', 60, 10)).map((r) => r.id).sort()).toEqual(['s1', 's2']);
        await store.jobs.setLease('s1', null, null);
        await store.jobs.setLease('s2', 'me', 500);
        expect(await store.jobs.staleLeases('me', 60, 10)).toEqual([]);
      });

      it('polls only submitted sending jobs that are due, and poll bookkeeping leaves updated_at alone', async () => {
        await store.jobs.createMany([newJob({ id: 'q1' }), newJob({ id: 'q2' })], 1);
        for (const id of ['q1', 'q2']) {
          await store.jobs.transition(
            id,
            { to: 'sending', fields: { submit_state: 'submitted', next_poll_at: 50 }, kind: 'attempt', message: 'a', now: 2 },
            decideTransition,
          );
        }
        await store.jobs.setNextPoll('q2', 500);
        expect((await store.jobs.dueForPoll(100, 10)).map((r) => r.id)).toEqual(['q1']);
        expect((await store.jobs.get('q2'))?.updated_at).toBe(2);
      });

      it('reschedules only a queued, unleased, never-attempted job', async () => {
        await store.jobs.createMany([newJob({ id: 'r1', sendAt: 9_000 }), newJob({ id: 'r2', sendAt: 9_000 })], 1);
        expect(await store.jobs.reschedule('r1', { send_at: 8_000, next_attempt_at: 8_000 }, 5, 'Edited')).toBe(true);
        expect(await store.jobs.get('r1')).toMatchObject({ send_at: 8_000, next_attempt_at: 8_000, updated_at: 5 });
        await store.jobs.leaseDue({ owner: 'w', now: 9_000, expiresAt: 99_999, limit: 10, pausedBackends: [] });
        expect(await store.jobs.reschedule('r2', { to_input: '+15550000000', to_e164: '+15550000000' }, 6, 'Edited')).toBe(false);
        expect((await store.jobs.get('r2'))?.to_e164).toBe('+15551230001');
        expect((await store.jobs.events('r1')).map((e) => e.message)).toEqual(['Queued', 'Edited']);
      });

      it('pages newest first by keyset, with filters and a total', async () => {
        await store.jobs.createMany([newJob({ id: 'k1', fileName: 'invoice.pdf', sourceKind: 'pdf' })], 100);
        await store.jobs.createMany([newJob({ id: 'k2', toE164: '+15559870000' }), newJob({ id: 'k3' })], 200);
        const first = await store.jobs.page({ filter: {}, after: null, limit: 2 });
        expect(first.total).toBe(3);
        expect(first.rows.map((r) => r.id)).toEqual(['k3', 'k2']);
        const next = await store.jobs.page({ filter: {}, after: { createdAt: 200, id: 'k2' }, limit: 2 });
        expect(next.rows.map((r) => r.id)).toEqual(['k1']);
        const byNumber = await store.jobs.page({ filter: { numbers: ['+15559870000'] }, after: null, limit: 10 });
        expect(byNumber.rows.map((r) => r.id)).toEqual(['k2']);
        expect((await store.jobs.page({ filter: { numbers: [] }, after: null, limit: 10 })).total).toBe(0);
        const search = await store.jobs.page({
          filter: { search: { idPrefix: 'zz', fileNamePart: 'voice', digits: null } },
          after: null,
          limit: 10,
        });
        expect(search.rows.map((r) => r.id)).toEqual(['k1']);
        const digits = await store.jobs.page({
          filter: { search: { idPrefix: 'zz', fileNamePart: 'zz', digits: '987' } },
          after: null,
          limit: 10,
        });
        expect(digits.rows.map((r) => r.id)).toEqual(['k2']);
        const window = await store.jobs.page({
          filter: { createdFrom: 150, createdUntil: 250, statuses: ['queued'] },
          after: null,
          limit: 10,
        });
        expect(window.total).toBe(2);
      });

      it("records the sending key's name with jobs and batches, filters by key id or name, and lists the senders", async () => {
        const frontDesk = { key_id: 'kA', key_hash: 'hmac-sha256$kA', name: 'Front Desk', owner: null, scopes: '[]', note: null };
        await store.keys.insert({ ...frontDesk, created_at: 1, expires_at: null });
        const [named, unnamed, anonymous] = await store.jobs.createMany(
          [newJob({ id: 's1', apiKeyId: 'kA' }), newJob({ id: 's2', apiKeyId: 'kB' }), newJob({ id: 's3' })],
          10,
        );
        expect([named?.sender, unnamed?.sender, anonymous?.sender]).toEqual(['Front Desk', null, null]);
        const bySender = async (sender: string) =>
          (await store.jobs.page({ filter: { sender }, after: null, limit: 10 })).rows.map((r) => r.id);
        expect(await bySender('front desk')).toEqual(['s1']);
        expect(await bySender('kB')).toEqual(['s2']);
        expect(await bySender('nobody')).toEqual([]);
        expect(await store.jobs.senders()).toEqual([
          { keyId: 'kA', name: 'Front Desk' },
          { keyId: 'kB', name: 'kB' },
        ]);
        expect(await store.batches.create('b1', 'kA', 20)).toEqual({ id: 'b1', api_key_id: 'kA', sender: 'Front Desk', created_at: 20 });
      });

      it('retention finds finished jobs with documents; removing them drops stored bytes and keeps the row', async () => {
        await store.jobs.createMany([newJob({ id: 'f1' }), newJob({ id: 'f2' })], 1);
        await store.jobs.transition('f1', { to: 'canceled', fields: {}, kind: 'status', message: 'Canceled', now: 10 }, decideTransition);
        expect((await store.jobs.finishedBefore(11, 10)).map((r) => r.id)).toEqual(['f1']);
        expect(await store.jobs.finishedBefore(10, 10)).toEqual([]);
        const row = await store.jobs.markArtifactsDeleted('f1', 20, 'Document removed');
        expect(row).toMatchObject({ id: 'f1', status: 'canceled', artifacts_deleted_at: 20 });
        expect(await store.jobs.upload('f1')).toBeNull();
        expect(await store.jobs.finishedBefore(99, 10)).toEqual([]);
        expect((await store.jobs.events('f1')).at(-1)?.message).toBe('Document removed');
      });
    });

    describe('batches', () => {
      it('holds a batch and lists its jobs oldest first', async () => {
        await store.batches.create('b1', null, 5);
        await store.jobs.createMany([newJob({ id: 'bj2', batchId: 'b1' })], 7);
        await store.jobs.createMany([newJob({ id: 'bj1', batchId: 'b1' }), newJob({ id: 'other' })], 6);
        expect(await store.batches.get('b1')).toEqual({ id: 'b1', api_key_id: null, sender: null, created_at: 5 });
        expect((await store.batches.jobs('b1')).map((r) => r.id)).toEqual(['bj1', 'bj2']);
        expect(await store.batches.get('b2')).toBeNull();
      });
    });

    describe('media tokens', () => {
      it('stores a token by hash and deletes only those expired before the cutoff', async () => {
        const row = { token_hash: 'ab'.repeat(32), subject_kind: 'job' as const, subject_id: 'j1', expires_at: 100 };
        await store.mediaTokens.insert(row, 1);
        await store.mediaTokens.insert({ ...row, token_hash: 'cd'.repeat(32), expires_at: 300 }, 1);
        expect(await store.mediaTokens.find(row.token_hash)).toEqual(row);
        expect(await store.mediaTokens.deleteExpiredBefore(200)).toBe(1);
        expect(await store.mediaTokens.find(row.token_hash)).toBeNull();
        expect(await store.mediaTokens.find('cd'.repeat(32))).not.toBeNull();
      });
    });

    describe('ui sessions', () => {
      it('opens, reads and closes a session; opening one drops the expired', async () => {
        await store.uiSessions.open('old', 50, 10);
        await store.uiSessions.open('new', 500, 100);
        expect(await store.uiSessions.expiresAt('old')).toBeNull();
        expect(await store.uiSessions.expiresAt('new')).toBe(500);
        await store.uiSessions.close('new');
        expect(await store.uiSessions.expiresAt('new')).toBeNull();
      });
    });

    describe('audit', () => {
      it('appends rows in order, reads newest first (optionally one event), and deletes the oldest in bounded batches', async () => {
        await store.audit.append([
          { ts: 1, event: 'job_created', fields: '{"job_id":"a"}' },
          { ts: 2, event: 'job_status', fields: '{"job_id":"a"}' },
          { ts: 3, event: 'job_created', fields: '{"job_id":"b"}' },
        ]);
        expect((await store.audit.recent(10, null)).map((r) => r.ts)).toEqual([3, 2, 1]);
        expect(await store.audit.recent(1, 'job_created')).toEqual([{ ts: 3, event: 'job_created', fields: '{"job_id":"b"}' }]);
        expect(await store.audit.deleteBefore(3, 1)).toBe(1);
        expect(await store.audit.deleteBefore(3, 10)).toBe(1);
        expect((await store.audit.recent(10, null)).map((r) => r.ts)).toEqual([3]);
      });
    });

    describe('api keys', () => {
      const key = (keyId: string, createdAt: number) => ({
        key_id: keyId,
        key_hash: `hmac-sha256$${keyId}`,
        name: 'script',
        owner: null,
        scopes: '["fax:send"]',
        note: null,
        created_at: createdAt,
        expires_at: null,
      });

      it('has a server key, lists newest first, revokes once, rotates and upgrades only an unchanged hash', async () => {
        expect((await store.keys.serverKey())?.length).toBe(32);
        await store.keys.insert(key('k1', 1));
        await store.keys.insert(key('k2', 2));
        expect((await store.keys.list()).map((k) => k.key_id)).toEqual(['k2', 'k1']);
        await store.keys.revoke('k1', 10);
        await store.keys.revoke('k1', 20);
        expect((await store.keys.get('k1'))?.revoked_at).toBe(10);
        expect(await store.keys.activeCount()).toBe(1);
        await store.keys.touch('k2', 30);
        expect((await store.keys.get('k2'))?.last_used_at).toBe(30);
        await store.keys.replaceHash('k2', 'hmac-sha256$new');
        expect(await store.keys.get('k2')).toMatchObject({ key_hash: 'hmac-sha256$new', last_used_at: null });
        expect(await store.keys.upgradeHash('k2', 'hmac-sha256$old', 'x')).toBe(false);
        expect(await store.keys.upgradeHash('k2', 'hmac-sha256$new', 'hmac-sha256$newer')).toBe(true);
        expect(await store.keys.get('missing')).toBeNull();
      });
    });

    it('answers a ping and counts jobs (an empty store has none)', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await store.counts()).toEqual({ jobs: 0, apiKeys: 0, inboundFaxes: 0 });
      await store.jobs.createMany([newJob({ id: 'n1' }), newJob({ id: 'n2' })], 1);
      expect((await store.counts()).jobs).toBe(2);
    });
  });
}
