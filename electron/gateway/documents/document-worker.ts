// Entry of a document pool worker: one task at a time, answered by id.
import { parentPort } from 'node:worker_threads';
import { DocumentError } from './errors';
import { runDocumentTask, type DocumentTask } from './tasks';

export interface WorkerReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { code: string | null; message: string };
}

const port = parentPort;
if (!port) throw new Error('document-worker runs only as a worker thread');
port.on('message', (message: { id: number; task: DocumentTask }) => {
  runDocumentTask(message.task).then(
    (result) => {
      // The PDF bytes move to the gateway thread instead of being copied.
      const pdf = (result as { pdf?: Uint8Array }).pdf;
      const transfer = pdf && pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? [pdf.buffer as ArrayBuffer] : [];
      port.postMessage({ id: message.id, ok: true, result } satisfies WorkerReply, transfer);
    },
    (error: unknown) => {
      const code = error instanceof DocumentError ? error.code : null;
      port.postMessage({ id: message.id, ok: false, error: { code, message: (error as Error).message } } satisfies WorkerReply);
    },
  );
});
port.postMessage('ready');
