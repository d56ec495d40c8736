export type DocumentErrorCode = 'empty_text' | 'no_documents' | 'encrypted' | 'corrupt' | 'too_complex' | 'tool_missing';

/** A document the gateway cannot fax; `message` is written for the person who sent it. */
export class DocumentError extends Error {
  override readonly name = 'DocumentError';

  constructor(
    readonly code: DocumentErrorCode,
    message: string,
  ) {
    super(message);
  }
}
