// Test stand-in for the gateway: serves tokenised PDFs and records webhook requests.
// Multipart bodies are decoded with undici's WHATWG parser, independently of the emulators' own.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PDFDocument } from 'pdf-lib';
import { Response } from 'undici';

export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as requested. */
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Receiver {
  origin: string;
  requests: ReceivedRequest[];
  /** A media URL for `pdf` whose token expires after `ttlMs` (403 afterwards, like the gateway). */
  mediaUrl(pdf: Uint8Array, ttlMs?: number): string;
  /** The next answers for POSTs whose path starts with `prefix` (then 200). */
  script(prefix: string, statuses: number[]): void;
  posts(prefix: string): ReceivedRequest[];
  close(): Promise<void>;
}

export async function makePdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([612, 792]).drawText(`page ${i + 1}`, { x: 72, y: 700 });
  return doc.save();
}

export function formDataOf(r: ReceivedRequest): Promise<FormData> {
  const res = new Response(new Uint8Array(r.body), { headers: { 'content-type': r.headers['content-type'] ?? '' } });
  return res.formData() as Promise<FormData>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const media = new Map<string, { pdf: Uint8Array; expires: number }>();
  const scripts = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', target, headers: req.headers, body: Buffer.concat(chunks) });
      const m = /^\/media\/([0-9a-f]+)$/.exec(target);
      if (req.method === 'GET' && m?.[1]) {
        const entry = media.get(m[1]);
        if (!entry || entry.expires < Date.now()) return void res.writeHead(403).end('expired or unknown token');
        return void res.writeHead(200, { 'content-type': 'application/pdf' }).end(entry.pdf);
      }
      const prefix = [...scripts.keys()].find((p) => target.startsWith(p));
      const status = (prefix !== undefined ? scripts.get(prefix)?.shift() : undefined) ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    mediaUrl(pdf, ttlMs = 60_000) {
      const token = randomBytes(16).toString('hex');
      media.set(token, { pdf, expires: Date.now() + ttlMs });
      return `${origin}/media/${token}`;
    },
    script(prefix, statuses) {
      scripts.set(prefix, [...statuses]);
    },
    posts(prefix) {
      return requests.filter((r) => r.method === 'POST' && r.target.startsWith(prefix));
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
