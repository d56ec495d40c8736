/** Several numbers typed or pasted in one field: commas, semicolons and new lines separate them. */
export function splitRecipients(text: string): string[] {
  return text
    .split(/[,;\n\r]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** At most this many recipients in one send (a batch); larger mailings are split by the sender. */
export const MAX_RECIPIENTS = 200;
