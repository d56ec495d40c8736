import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../db';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { phoneBook } from './0006-phone-book';

describe('migration 0006-phone-book', () => {
  it('adds contacts and groups to an existing database; memberships go with their contact or group', () => {
    const db = openDatabase(':memory:', [initial, jobUploads]);
    expect(migrate(db, [initial, jobUploads, phoneBook])).toBe(1);
    expect(schemaVersion(db)).toBe(6);
    db.prepare(
      "INSERT INTO contacts (id,name,fax_input,fax_e164,search_text,created_at,updated_at) VALUES ('c1','Ann','1','+12025550143','ann',0,0)",
    ).run();
    db.prepare("INSERT INTO contact_groups (id,name,created_at,updated_at) VALUES ('g1','Labs',0,0)").run();
    db.prepare("INSERT INTO contact_group_members VALUES ('g1','c1')").run();
    expect(() => db.prepare("INSERT INTO contact_groups (id,name,created_at,updated_at) VALUES ('g2','LABS',0,0)").run()).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE contacts SET cover_policy = 'sometimes' WHERE id = 'c1'").run()).toThrow(/CHECK/);
    db.prepare("DELETE FROM contacts WHERE id = 'c1'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM contact_group_members').get()).toEqual({ n: 0 });
  });
});
