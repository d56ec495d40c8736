import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from './db';
import { MIGRATIONS } from './migrations';

const require = createRequire(import.meta.url);
const nodeAddon = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'faxbot-db-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase with a native binding kept apart from node_modules', () => {
  it('loads better-sqlite3 from the given addon file', () => {
    const missing = join(dir, 'native', 'better_sqlite3.node');
    copyFileSync(nodeAddon, join(dir, 'better_sqlite3.node'));
    const db = openDatabase(join(dir, 'gateway.db'), MIGRATIONS, { nativeBinding: join(dir, 'better_sqlite3.node') });
    expect(schemaVersion(db)).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    db.close();
    expect(() => openDatabase(join(dir, 'other.db'), MIGRATIONS, { nativeBinding: missing })).toThrow(/better_sqlite3\.node/);
  });
});
