import type { Db } from '../db';
import { initial } from './0001-initial';
import { jobUploads } from './0002-job-uploads';
import { uiSessions } from './0011-ui-sessions';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export const MIGRATIONS: readonly Migration[] = [initial, jobUploads, uiSessions];
