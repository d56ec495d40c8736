import { describe, expect, it } from 'vitest';
import { expectViolation, migrationEngines } from '../../testing/migration-engines';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { phoneBook } from './0006-phone-book';

describe.each(migrationEngines())('migration 0006-phone-book on $name', (engine) => {
  it('adds contacts and groups to an existing database; memberships go with their contact or group', async () => {
    const db = await engine.open([initial, jobUploads]);
    expect(await db.migrate([initial, jobUploads, phoneBook])).toBe(1);
    expect(await db.version()).toBe(6);
    await db.run(
      "INSERT INTO contacts (id,name,fax_input,fax_e164,search_text,created_at,updated_at) VALUES ('c1','Ann','1','+12025550143','ann',0,0)",
    );
    await db.run("INSERT INTO contact_groups (id,name,created_at,updated_at) VALUES ('g1','Labs',0,0)");
    await db.run("INSERT INTO contact_group_members VALUES ('g1','c1')");
    // Group names are unique regardless of case.
    await expectViolation(db, 'unique', db.run("INSERT INTO contact_groups (id,name,created_at,updated_at) VALUES ('g2','LABS',0,0)"));
    await expectViolation(db, 'check', db.run("UPDATE contacts SET cover_policy = 'sometimes' WHERE id = 'c1'"));
    await db.run("DELETE FROM contacts WHERE id = 'c1'");
    expect(await db.all('SELECT COUNT(*) AS n FROM contact_group_members')).toEqual([{ n: 0 }]);
  });
});
