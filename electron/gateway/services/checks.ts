import type { CheckResult } from '../../../shared/types';

export const pass = (id: string, label: string, detail: string): CheckResult => ({ id, label, state: 'pass', detail });
export const fail = (id: string, label: string, detail: string, fix: string): CheckResult => ({ id, label, state: 'fail', detail, fix });
export const warn = (id: string, label: string, detail: string, fix: string): CheckResult => ({ id, label, state: 'warn', detail, fix });
