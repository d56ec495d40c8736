import type { Db } from '../db';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { apiKeyHmac } from './0003-api-key-hmac';
import { printJobs } from './0008-print-jobs';
import { sipAttempts } from './0009-sip-attempts';
import { uiSessions } from './0011-ui-sessions';
import { phoneBook } from './0006-phone-book';
import { batchesSchedule } from './0007-batches-schedule';
import { coverTemplates } from './0013-cover-templates';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export const MIGRATIONS: readonly Migration[] = [
  initial,
  jobUploads,
  apiKeyHmac,
  phoneBook,
  batchesSchedule,
  printJobs,
  sipAttempts,
  uiSessions,
  coverTemplates,
];
