import type { Migration } from './index';

/**
 * The phone book: contacts, groups and who is in which group. `search_text` holds the lower-cased
 * name and company and the digits of both numbers, so search as you type is one indexed-free LIKE
 * over a narrow column (10,000 contacts scan in a few milliseconds).
 */
export const phoneBook: Migration = {
  version: 6,
  name: 'phone-book',
  up(db) {
    db.exec(`
      CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        company TEXT NOT NULL DEFAULT '',
        fax_input TEXT NOT NULL,
        fax_e164 TEXT NOT NULL,
        voice TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        cover_policy TEXT NOT NULL DEFAULT 'default' CHECK (cover_policy IN ('default','always','never')),
        search_text TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX contacts_name ON contacts (name COLLATE NOCASE, id);
      CREATE INDEX contacts_fax ON contacts (fax_e164);

      CREATE TABLE contact_groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE contact_group_members (
        group_id TEXT NOT NULL REFERENCES contact_groups(id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, contact_id)
      );
      CREATE INDEX contact_group_members_contact ON contact_group_members (contact_id);
    `);
  },
  // SQLite's COLLATE NOCASE becomes indexes on lower(name): queries order and compare by lower(name).
  pg: `
    CREATE TABLE contacts (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      company TEXT NOT NULL DEFAULT '',
      fax_input TEXT NOT NULL,
      fax_e164 TEXT NOT NULL,
      voice TEXT NOT NULL DEFAULT '',
      email TEXT NOT NULL DEFAULT '',
      notes TEXT NOT NULL DEFAULT '',
      cover_policy TEXT NOT NULL DEFAULT 'default' CHECK (cover_policy IN ('default','always','never')),
      search_text TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    );
    CREATE INDEX contacts_name ON contacts (lower(name), id);
    CREATE INDEX contacts_fax ON contacts (fax_e164);

    CREATE TABLE contact_groups (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    );
    CREATE UNIQUE INDEX contact_groups_name ON contact_groups (lower(name));

    CREATE TABLE contact_group_members (
      group_id TEXT NOT NULL REFERENCES contact_groups(id) ON DELETE CASCADE,
      contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      PRIMARY KEY (group_id, contact_id)
    );
    CREATE INDEX contact_group_members_contact ON contact_group_members (contact_id);
  `,
};
