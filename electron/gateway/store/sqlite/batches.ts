import type { Db } from '../db';
import type { BatchRow, BatchesRepository, JobRow } from '../types';

export class SqliteBatches implements BatchesRepository {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      insert: db.prepare('INSERT INTO job_batches (id, api_key_id, created_at) VALUES (?, ?, ?)'),
      get: db.prepare('SELECT * FROM job_batches WHERE id = ?'),
      jobs: db.prepare('SELECT * FROM jobs WHERE batch_id = ? ORDER BY created_at, id'),
    };
  }

  async create(id: string, apiKeyId: string | null, now: number): Promise<void> {
    this.stmt.insert.run(id, apiKeyId, now);
  }

  async get(id: string): Promise<BatchRow | null> {
    return (this.stmt.get.get(id) as BatchRow | undefined) ?? null;
  }

  async jobs(id: string): Promise<JobRow[]> {
    return this.stmt.jobs.all(id) as JobRow[];
  }
}
