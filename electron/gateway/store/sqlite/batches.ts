import type { Db } from '../db';
import type { BatchRow, BatchesRepository, JobRow } from '../types';
import { SENDER_NAME } from './jobs';

export class SqliteBatches implements BatchesRepository {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO job_batches (id, api_key_id, sender, created_at) VALUES (@id, @apiKeyId, ${SENDER_NAME}, @now) RETURNING *`,
      ),
      get: db.prepare('SELECT * FROM job_batches WHERE id = ?'),
      jobs: db.prepare('SELECT * FROM jobs WHERE batch_id = ? ORDER BY created_at, id'),
    };
  }

  async create(id: string, apiKeyId: string | null, now: number): Promise<BatchRow> {
    return this.stmt.insert.get({ id, apiKeyId, now }) as BatchRow;
  }

  async get(id: string): Promise<BatchRow | null> {
    return (this.stmt.get.get(id) as BatchRow | undefined) ?? null;
  }

  async jobs(id: string): Promise<JobRow[]> {
    return this.stmt.jobs.all(id) as JobRow[];
  }
}
