import type { Db } from '../db';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { phoneBook } from './0006-phone-book';
import { batchesSchedule } from './0007-batches-schedule';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export const MIGRATIONS: readonly Migration[] = [initial, jobUploads, phoneBook, batchesSchedule];
