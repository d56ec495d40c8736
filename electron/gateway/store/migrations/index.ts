import type { Db } from '../db';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { sipAttempts } from './0009-sip-attempts';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export const MIGRATIONS: readonly Migration[] = [initial, jobUploads, sipAttempts];
