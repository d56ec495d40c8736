import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactPage, ContactView, GroupView, ImportResult } from '../../../shared/contacts';
import { startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway;
beforeEach(async () => {
  gw = await startTestGateway({ startWorkers: false });
});
afterEach(async () => {
  await gw.close();
});

async function call<T>(method: string, input: unknown): Promise<T> {
  const result = await gw.invoke(method, input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}

describe('phone book store', () => {
  it('keeps a contact with a normalised fax number and finds it by name, company or digits', async () => {
    const ann = await call<ContactView>('contacts:create', {
      name: 'Ann Example',
      company: 'Riverside Clinic',
      fax: '(202) 555-0143',
      voice: '202 555 0100',
      email: 'ann@example.org',
      coverPolicy: 'always',
    });
    expect(ann.faxE164).toBe('+12025550143');
    expect(ann.fax).toBe('(202) 555-0143');
    await call('contacts:create', { name: 'Bob Other', fax: '+44 20 7946 0000' });
    const search = async (text: string) => (await call<ContactPage>('contacts:list', { search: text })).items.map((c) => c.name);
    expect(await search('ann')).toEqual(['Ann Example']);
    expect(await search('RIVERSIDE')).toEqual(['Ann Example']);
    expect(await search('555-01')).toEqual(['Ann Example']);
    expect(await search('7946')).toEqual(['Bob Other']);
    expect(await search('%')).toEqual([]);
    expect(await search('')).toEqual(['Ann Example', 'Bob Other']);
  });

  it('refuses a contact without a valid fax number, naming the field', async () => {
    const bad = await gw.invoke('contacts:create', { name: 'No Fax', fax: '12' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(!bad.ok && bad.error.message).toMatch(/^fax /);
    const noName = await gw.invoke('contacts:create', { name: ' ', fax: '+12025550143' });
    expect(!noName.ok && noName.error.message).toBe('Name cannot be empty.');
  });

  it('groups contacts; deleting a contact removes it from its groups', async () => {
    const a = await call<ContactView>('contacts:create', { name: 'A', fax: '+12025550101' });
    const b = await call<ContactView>('contacts:create', { name: 'B', fax: '+12025550102' });
    const group = await call<GroupView>('groups:create', { name: 'Branches', contactIds: [a.id, b.id] });
    expect(group.contactIds.sort()).toEqual([a.id, b.id].sort());
    expect((await gw.invoke('groups:create', { name: 'branches' })).ok).toBe(false);
    expect((await call<ContactView>('contacts:get', { id: a.id })).groupIds).toEqual([group.id]);
    await call('contacts:delete', { id: a.id });
    expect((await call<GroupView[]>('groups:list', {}))[0]?.contactIds).toEqual([b.id]);
    expect((await call<ContactPage>('contacts:list', { groupId: group.id })).items.map((c) => c.name)).toEqual(['B']);
  });

  it('imports CSV all or nothing, naming every bad row', async () => {
    const csv =
      'Name,Company,Fax Number,Email,Groups\nAnn,Clinic,202 555 0143,ann@example.org,Doctors\nBob,,12,,\nCid,,+12025550144,not-an-email,\n';
    const refused = await gw.invoke('contacts:import', { text: csv });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.message).toMatch(
      /Nothing was imported: 2 rows have problems \(row 3: fax .*; row 4: Email must be an email address/,
    );
    expect((await call<ContactPage>('contacts:list', {})).total).toBe(0);

    const good = await call<ImportResult>('contacts:import', {
      text: 'name,fax,groups,cover\nAnn,202 555 0143,Doctors; Labs,always\nBob,+12025550145,Doctors,\n',
    });
    expect(good).toEqual({ imported: 2, groupsCreated: 2 });
    const groups = await call<GroupView[]>('groups:list', {});
    expect(groups.map((g) => [g.name, g.contactIds.length])).toEqual([
      ['Doctors', 2],
      ['Labs', 1],
    ]);
  });

  it('exports CSV and vCard that import back to the same phone book', async () => {
    await call('contacts:import', {
      text: 'name,company,fax,voice,email,notes,cover,groups\n"Smith, Ann","Clinic; East",+12025550143,+12025550100,ann@example.org,"line one\nline two",never,Doctors\n=cmd,,+12025550146,,,,,\n',
    });
    const csv = await call<{ text: string }>('contacts:export', { format: 'csv' });
    expect(csv.text.split('\r\n')[0]).toBe('name,company,fax,voice,email,notes,cover,groups');
    expect(csv.text).toContain("'=cmd");
    const vcard = await call<{ text: string }>('contacts:export', { format: 'vcard' });
    expect(vcard.text).toContain('TEL;TYPE=WORK,FAX:+12025550143');

    const other = await startTestGateway({ startWorkers: false });
    try {
      const imported = await other.invoke('contacts:import', { text: vcard.text });
      expect(imported).toMatchObject({ ok: true, value: { imported: 2 } });
      const page = (await other.invoke('contacts:list', {})) as { ok: true; value: ContactPage };
      const smith = page.value.items.find((c) => c.name === 'Smith, Ann');
      expect(smith).toMatchObject({ company: 'Clinic; East', faxE164: '+12025550143', notes: 'line one\nline two', coverPolicy: 'never' });
    } finally {
      await other.close();
    }
  });

  it('names the contact for numbers in Jobs and Inbox, and lists recent and frequent numbers', async () => {
    await call('contacts:create', { name: 'Ann', fax: '+12025550143' });
    expect(await call('contacts:names', { numbers: ['+12025550143', '+12025550199'] })).toEqual({ '+12025550143': 'Ann' });
    const db = gw.core.db;
    const insert = db.prepare(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES (?,?,?,'delivered','simulator','pdf','',5,0,?,?)`,
    );
    insert.run('j1', 'x', '+12025550143', 1000, 1000);
    insert.run('j2', 'x', '+12025550143', 2000, 2000);
    insert.run('j3', 'x', '+12025550199', 3000, 3000);
    const recent = await call<{ e164: string; count: number; contactName: string | null }[]>('contacts:recent', { order: 'recent' });
    expect(recent.map((r) => r.e164)).toEqual(['+12025550199', '+12025550143']);
    const frequent = await call<{ e164: string; count: number; contactName: string | null }[]>('contacts:recent', { order: 'frequent' });
    expect(frequent[0]).toMatchObject({ e164: '+12025550143', count: 2, contactName: 'Ann' });
  });

  it('searches 10,000 contacts in under 50 ms', async () => {
    const db = gw.core.db;
    const insert = db.prepare(
      `INSERT INTO contacts (id,name,company,fax_input,fax_e164,search_text,created_at,updated_at) VALUES (?,?,?,?,?,?,0,0)`,
    );
    db.transaction(() => {
      for (let i = 0; i < 10_000; i += 1) {
        const fax = `+1202${String(5_000_000 + i).padStart(7, '0')}`;
        const name = `Contact ${i} ${['Adams', 'Baker', 'Clark', 'Davis'][i % 4]}`;
        const company = `Company ${i % 300}`;
        insert.run(`c${i}`, name, company, fax, fax, `${name} ${company}`.toLowerCase() + ` ${fax.slice(1)}`);
      }
    })();
    // One warm-up (statement compile, page cache), then the median of three runs per search, so
    // a moment of load on a shared machine does not decide the figure.
    gw.core.contacts.list({ search: 'warm', limit: 20 });
    const timings: number[] = [];
    for (const text of ['baker', 'company 17', '5009999', 'zzz-none', 'contact 99']) {
      const runs: number[] = [];
      for (let run = 0; run < 3; run += 1) {
        const start = performance.now();
        const page = gw.core.contacts.list({ search: text, limit: 20 });
        runs.push(performance.now() - start);
        if (text === '5009999') expect(page.items.map((c) => c.faxE164)).toEqual(['+12025009999']);
        if (text === 'baker') expect(page.total).toBe(2500);
      }
      timings.push(runs.sort((a, b) => a - b)[1] as number);
    }
    const worst = Math.max(...timings);
    console.log(
      `contacts search over 10,000 (median of 3): worst ${worst.toFixed(1)} ms, all ${timings.map((t) => t.toFixed(1)).join(' / ')} ms`,
    );
    expect(worst).toBeLessThan(50);
  });
});
