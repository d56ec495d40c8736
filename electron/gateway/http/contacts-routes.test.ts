import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway;
const admin = { 'x-api-key': 'bootstrap-admin-key-for-tests-000000' };
beforeAll(async () => {
  gw = await startTestGateway({ startWorkers: false, env: { API_KEY: admin['x-api-key'] } });
});
afterAll(async () => {
  await gw.close();
});

async function keyWith(scopes: string[]): Promise<Record<string, string>> {
  const created = await gw.invoke('keys:create', { name: 'contacts test', scopes });
  if (!created.ok) throw new Error(created.error.message);
  return { 'x-api-key': (created.value as { token: string }).token };
}

describe('REST /contacts and /groups', () => {
  it('creates, reads, searches, updates and deletes a contact under fax:read / fax:send', async () => {
    const reader = await keyWith(['fax:read']);
    const created = await gw.json(
      'POST',
      '/contacts',
      { name: 'Ann', company: 'Clinic', fax: '202-555-0143', cover_policy: 'never' },
      admin,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Ann', fax_e164: '+12025550143', cover_policy: 'never', group_ids: [] });
    const id = created.body.id as string;

    expect((await gw.json('POST', '/contacts', { name: 'X', fax: '+12025550100' }, reader)).status).toBe(403);
    expect((await gw.get('/contacts')).status).toBe(401);
    const found = await gw.get('/contacts?search=clin', reader);
    expect(found.body).toMatchObject({ total: 1, items: [{ id, name: 'Ann' }] });

    const patched = await gw.json('PATCH', `/contacts/${id}`, { notes: 'Front desk' }, admin);
    expect(patched.body).toMatchObject({ name: 'Ann', notes: 'Front desk', cover_policy: 'never' });

    const bad = await gw.json('POST', '/contacts', { name: 'Bad', fax: 'call me' }, admin);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/fax must contain only digits/);

    expect((await gw.json('DELETE', `/contacts/${id}`, undefined, admin)).status).toBe(204);
    expect((await gw.get(`/contacts/${id}`, admin)).body).toEqual({ detail: 'Contact not found' });
  });

  it('imports a CSV upload all or nothing and exports CSV', async () => {
    const form = new FormData();
    form.append('file', new Blob(['name,fax\nGood,+12025550150\nBad,not a number\n']), 'contacts.csv');
    const refused = await gw.post('/contacts/import', form, admin);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ row: 3, message: expect.stringMatching(/^fax /) }]);
    expect((await gw.get('/contacts', admin)).body.total).toBe(0);

    const ok = new FormData();
    ok.append('file', new Blob(['name,fax,groups\nGood,+12025550150,Labs\nAlso,+12025550151,Labs\n']), 'contacts.csv');
    const imported = await gw.post('/contacts/import', ok, admin);
    expect(imported).toMatchObject({ status: 201, body: { imported: 2, groups_created: 1 } });

    const groups = await gw.get('/groups', admin);
    expect(groups.body).toEqual([expect.objectContaining({ name: 'Labs', contact_ids: expect.any(Array) })]);
    expect(groups.body[0].contact_ids).toHaveLength(2);

    const csv = await gw.get('/contacts/export.csv', admin);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\r\n')).toEqual([
      'name,company,fax,voice,email,notes,cover,groups',
      'Also,,+12025550151,,,,,Labs',
      'Good,,+12025550150,,,,,Labs',
    ]);
  });

  it('creates and renames groups; duplicate names conflict', async () => {
    const made = await gw.json('POST', '/groups', { name: 'Referrals' }, admin);
    expect(made.status).toBe(201);
    expect((await gw.json('POST', '/groups', { name: 'referrals' }, admin)).status).toBe(409);
    const renamed = await gw.json('PUT', `/groups/${made.body.id}`, { name: 'Referral partners', contact_ids: [] }, admin);
    expect(renamed.body.name).toBe('Referral partners');
    expect((await gw.json('POST', '/groups', { name: 'X', contact_ids: ['nope'] }, admin)).body.detail).toMatch(/No contact with id nope/);
  });

  it('POST /fax/batch sends one file to numbers and a group, with the cover page asked for', async () => {
    const ann = await gw.json('POST', '/contacts', { name: 'Batch Ann', fax: '+12025550160' }, admin);
    await gw.json('POST', '/groups', { name: 'Batch group', contact_ids: [ann.body.id] }, admin);
    const form = new FormData();
    form.append('to', '+12025550161');
    form.append('group', 'Batch group');
    form.append('cover', 'standard');
    form.append('subject', 'Results');
    form.append('file', new Blob(['hello']), 'a.txt');
    const sent = await gw.post('/fax/batch', form, admin);
    expect(sent.status).toBe(202);
    expect(sent.body.total).toBe(2);
    expect(sent.body.jobs.map((job: { to_e164: string }) => job.to_e164).sort()).toEqual(['+12025550160', '+12025550161']);
    expect(sent.body.jobs.every((job: { cover_template: string | null }) => job.cover_template === 'standard')).toBe(true);
    expect((await gw.get(`/fax/batch/${sent.body.batch_id}`, admin)).body.jobs).toHaveLength(2);

    const badCover = new FormData();
    badCover.append('to', '+12025550161');
    badCover.append('cover', 'fancy');
    badCover.append('file', new Blob(['hello']), 'a.txt');
    const refused = await gw.post('/fax/batch', badCover, admin);
    expect(refused).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/^Unknown cover page 'fancy'/) } });
  });
});
