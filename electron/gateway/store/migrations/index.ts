import type { Db } from '../db';
import { initial } from './0001-initial';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export const MIGRATIONS: readonly Migration[] = [initial];
