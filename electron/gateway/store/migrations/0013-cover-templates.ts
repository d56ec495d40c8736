import type { Migration } from './index';

/**
 * Cover page templates an admin imported: the one-page PDF itself is kept in the database (not the
 * data folder), like settings and the phone book, so a shared store serves every desktop the same
 * templates. `fields` is the JSON list of form fields the PDF carries, read once at import.
 */
export const coverTemplates: Migration = {
  version: 13,
  name: 'cover-templates',
  up(db) {
    db.exec(`
      CREATE TABLE cover_templates (
        name TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        pdf BLOB NOT NULL,
        fields TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `);
  },
  pg: `
    CREATE TABLE cover_templates (
      name TEXT PRIMARY KEY,
      label TEXT NOT NULL,
      pdf BYTEA NOT NULL,
      fields TEXT NOT NULL,
      created_at BIGINT NOT NULL
    );
  `,
};
