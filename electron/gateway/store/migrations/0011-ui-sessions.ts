import type { Migration } from './index';

/**
 * Browser-window sessions outlive a gateway restart: an open window keeps working after an
 * update or a crash instead of falling back to a sign-in it may have no key for. Only a digest
 * of the session id is stored (the cookie holds the id itself).
 */
export const uiSessions: Migration = {
  version: 11,
  name: 'ui-sessions',
  up(db) {
    db.exec(`
      CREATE TABLE ui_sessions (
        digest TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX ui_sessions_expires ON ui_sessions (expires_at);
    `);
  },
  pg: `
    CREATE TABLE ui_sessions (
      digest TEXT PRIMARY KEY,
      expires_at BIGINT NOT NULL
    );
    CREATE INDEX ui_sessions_expires ON ui_sessions (expires_at);
  `,
};
