import type { z } from 'zod';
import { describeIssues } from '../../../shared/validation';
import { badRequest } from '../services/errors';

/** Parses a request part with its route's zod schema (the schema /openapi.json publishes); 400 with the one sentence mapping. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw badRequest(describeIssues(parsed.error.issues));
  return parsed.data;
}
