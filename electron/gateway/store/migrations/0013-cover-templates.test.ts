import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../db';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { coverTemplates } from './0013-cover-templates';

describe('migration 0013-cover-templates', () => {
  it('upgrades an older database and keeps its jobs', () => {
    const db = openDatabase(':memory:', [initial, jobUploads]);
    db.prepare(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES ('j1','+15551230001','+15551230001','queued','simulator','txt','',5,0,1,1)`,
    ).run();
    expect(migrate(db, [initial, jobUploads, coverTemplates])).toBe(1);
    expect(schemaVersion(db)).toBe(13);
    expect(db.prepare('SELECT id FROM jobs').all()).toEqual([{ id: 'j1' }]);
  });

  it('keeps the PDF bytes as they were given, one row per name', () => {
    const db = openDatabase(':memory:');
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);
    const insert = db.prepare('INSERT INTO cover_templates (name, label, pdf, fields, created_at) VALUES (?, ?, ?, ?, ?)');
    insert.run('letterhead', 'Letterhead', pdf, '["to_name"]', 1);
    expect(db.prepare('SELECT pdf FROM cover_templates WHERE name = ?').get('letterhead')).toEqual({ pdf });
    expect(() => insert.run('letterhead', 'Again', pdf, '[]', 2)).toThrow(/UNIQUE/);
  });
});
