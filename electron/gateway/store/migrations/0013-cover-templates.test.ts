import { describe, expect, it } from 'vitest';
import { expectViolation, migrationEngines } from '../../testing/migration-engines';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { coverTemplates } from './0013-cover-templates';

describe.each(migrationEngines())('migration 0013-cover-templates on $name', (engine) => {
  it('upgrades an older database and keeps its jobs', async () => {
    const db = await engine.open([initial, jobUploads]);
    await db.run(
      `INSERT INTO jobs (id,to_input,to_e164,status,backend,source_kind,upload_path,max_attempts,next_attempt_at,created_at,updated_at)
       VALUES ('j1','+15551230001','+15551230001','queued','simulator','txt','',5,0,1,1)`,
    );
    expect(await db.migrate([initial, jobUploads, coverTemplates])).toBe(1);
    expect(await db.version()).toBe(13);
    expect(await db.all('SELECT id FROM jobs')).toEqual([{ id: 'j1' }]);
  });

  it('keeps the PDF bytes as they were given, one row per name', async () => {
    const db = await engine.open();
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);
    const insert = 'INSERT INTO cover_templates (name, label, pdf, fields, created_at) VALUES (?, ?, ?, ?, ?)';
    await db.run(insert, 'letterhead', 'Letterhead', pdf, '["to_name"]', 1);
    expect(await db.all('SELECT pdf FROM cover_templates WHERE name = ?', 'letterhead')).toEqual([{ pdf }]);
    await expectViolation(db, 'unique', db.run(insert, 'letterhead', 'Again', pdf, '[]', 2));
  });
});
