import { MAX_RECIPIENTS, splitRecipients } from '../../../shared/recipients';
import type { BatchView } from '../../../shared/types';
import type { GatewayCore } from '../core';
import { AppError, badRequest } from './errors';
import type { DocumentInput } from './intake';

export interface ManyRecipients {
  /** Numbers as typed; each entry may hold several separated by commas or new lines. */
  to: string[];
  /** Group ids or names: every contact in the group is a recipient. */
  groups: string[];
  contactIds: string[];
  documents: DocumentInput[];
  apiKeyId: string | null;
  sendAt: number | null;
}

/**
 * One send to several recipients: every recipient is checked first (nothing is queued when one is
 * wrong), the document is converted once, and each recipient gets its own job in one batch.
 * The same number reached twice (typed and in a group) is faxed once.
 */
export async function sendToMany(core: GatewayCore, input: ManyRecipients): Promise<BatchView> {
  const numbers = new Map<string, { input: string; e164: string }>();
  const problems: string[] = [];
  const add = (number: { input: string; e164: string }) => {
    if (!numbers.has(number.e164)) numbers.set(number.e164, number);
  };
  input.to.flatMap(splitRecipients).forEach((typed, index) => {
    try {
      add(core.intake.normalize(typed));
    } catch (error) {
      problems.push(`recipient ${index + 1}: ${(error as Error).message.replace(/^'to' /, '')}`);
    }
  });
  for (const name of input.groups) {
    try {
      const group = core.contacts.findGroup(name);
      if (group.contactIds.length === 0) problems.push(`group "${group.name}" has no contacts`);
      for (const id of group.contactIds) {
        const contact = core.contacts.get(id);
        add({ input: contact.fax, e164: contact.faxE164 });
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const id of input.contactIds) {
    try {
      const contact = core.contacts.get(id);
      add({ input: contact.fax, e164: contact.faxE164 });
    } catch (error) {
      problems.push(`${(error as Error).message} (${id.slice(0, 64)})`);
    }
  }
  if (problems.length > 0) throw badRequest(`Nothing was sent: ${problems.join('; ')}`);
  if (numbers.size === 0) throw badRequest("Give at least one recipient: 'to', 'group' or a contact");
  if (numbers.size > MAX_RECIPIENTS)
    throw new AppError('bad_request', `At most ${MAX_RECIPIENTS} recipients in one send (got ${numbers.size})`);

  const document = await core.intake.convertDocuments(input.documents);
  const batchId = core.newId();
  core.jobs.createBatch(batchId, input.apiKeyId);
  await Promise.all(
    [...numbers.values()].map((number) =>
      core.intake.acceptConverted({ number, document, apiKeyId: input.apiKeyId, batchId, sendAt: input.sendAt }),
    ),
  );
  return core.jobs.batch(batchId);
}
