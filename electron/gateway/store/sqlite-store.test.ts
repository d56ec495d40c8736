import { openDatabase } from './db';
import { sqliteStore } from './sqlite';
import { describeStoreSuite } from './store-suite';

describeStoreSuite('sqlite', async () => {
  const db = openDatabase(':memory:');
  return { store: sqliteStore(db), close: async () => void db.close() };
});
