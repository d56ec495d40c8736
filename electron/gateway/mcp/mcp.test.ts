import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { runStdioBridge } from './stdio-bridge';
import { FILE_PATH_REFUSED } from './tools';

const ADMIN = 'bootstrap_admin_for_mcp';
const authEnv = { API_KEY: ADMIN, REQUIRE_API_KEY: 'true' };
const ALL_SCOPES = ['fax:send', 'fax:read', 'inbound:list', 'inbound:read'];

let gw: TestGateway | null = null;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await gw?.close();
  gw = null;
});

async function onePagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([612, 792]).drawText('MCP test page');
  return doc.save();
}

async function createKey(scopes: string[]): Promise<string> {
  const res = await gw!.json('POST', '/admin/api-keys', { name: 'assistant', scopes }, { 'x-api-key': ADMIN });
  expect(res.status).toBe(200);
  return res.body.token as string;
}

async function connect(kind: 'http' | 'sse', headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  const transport =
    kind === 'http'
      ? new StreamableHTTPClientTransport(new URL('/mcp/http', gw!.url), { requestInit: { headers } })
      : new SSEClientTransport(new URL('/mcp/sse', gw!.url), { requestInit: { headers } });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return client;
}

async function tool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

const text = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/** Polls get_fax_status (bounded) until Faxbot's status is one of `statuses`. */
async function pollStatus(client: Client, jobId: string, statuses: string[], timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const result = await tool(client, 'get_fax_status', { jobId });
    expect(result.isError).toBeFalsy();
    last = result.structuredContent as Record<string, unknown>;
    if (statuses.includes(String(last.status))) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${jobId} stayed ${String(last.status)}`);
}

const TOOL_NAMES = ['cancel_fax', 'get_fax', 'get_fax_status', 'get_inbound_pdf', 'list_faxes', 'list_inbound', 'resend_fax', 'send_fax'];

describe.each(['http', 'sse'] as const)('MCP over %s', (kind) => {
  it('initializes, lists the tools, sends a PDF and a TXT to delivered, and reads an inbound PDF', async () => {
    gw = await startTestGateway({ env: authEnv });
    const client = await connect(kind, { 'x-api-key': await createKey(ALL_SCOPES) });
    expect(client.getServerVersion()?.name).toBe('Faxbot Desktop');
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    const send = tools.tools.find((t) => t.name === 'send_fax');
    expect(send?.inputSchema.required).toEqual(['to']);

    const pdf = await tool(client, 'send_fax', {
      to: '+15551230001',
      fileContent: Buffer.from(await onePagePdf()).toString('base64'),
      fileName: 'letter.pdf',
    });
    expect(pdf.isError).toBeFalsy();
    expect(text(pdf)).toMatch(/^Fax queued\.\nJob ID: [0-9a-f]{32}/);
    const pdfJob = pdf.structuredContent as { id: string; status: string; file_name: string };
    expect(pdfJob).toMatchObject({ status: 'queued', file_name: 'letter.pdf', pages: 1 });

    const txt = await tool(client, 'send_fax', {
      to: '+15551230002',
      fileContent: Buffer.from('Hello from an assistant').toString('base64'),
      fileName: 'note.txt',
      fileType: 'txt',
    });
    expect(txt.isError).toBeFalsy();
    const txtJob = txt.structuredContent as { id: string };

    expect(await pollStatus(client, pdfJob.id, ['SUCCESS'])).toMatchObject({ state: 'delivered', pages: 1 });
    expect(await pollStatus(client, txtJob.id, ['SUCCESS'])).toMatchObject({ state: 'delivered' });
    // The same job through the REST door: one service, one answer.
    expect((await gw.get(`/fax/${pdfJob.id}`, { 'x-api-key': ADMIN })).body.status).toBe('SUCCESS');

    const listed = await tool(client, 'list_faxes', { status: 'success' });
    expect((listed.structuredContent as { jobs: { id: string }[] }).jobs.map((j) => j.id).sort()).toEqual([pdfJob.id, txtJob.id].sort());

    const simulated = await gw.invoke('inbound:simulate', {});
    expect(simulated.ok).toBe(true);
    const inboundId = (simulated as { value: { id: string } }).value.id;
    const inbound = await tool(client, 'list_inbound', { limit: 5 });
    expect((inbound.structuredContent as { items: { id: string; fr: string }[] }).items.map((i) => i.id)).toEqual([inboundId]);

    const embedded = await tool(client, 'get_inbound_pdf', { inboundId, asBase64: true });
    const resource = embedded.content.find((c) => c.type === 'resource');
    const blob = resource?.type === 'resource' && 'blob' in resource.resource ? resource.resource.blob : '';
    expect(Buffer.from(blob, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    const linked = await tool(client, 'get_inbound_pdf', { inboundId });
    const url = new URL((linked.structuredContent as { url: string }).url);
    const download = await gw.get(`${url.pathname}${url.search}`);
    expect(download.status).toBe(200);
    expect(download.bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const got = await tool(client, 'get_fax', { id: inboundId });
    expect(got.structuredContent).toMatchObject({ kind: 'inbound', id: inboundId });
  });

  it('refuses tools outside the key scopes and calls without a key', async () => {
    gw = await startTestGateway({ env: authEnv });
    const reader = await connect(kind, { authorization: `Bearer ${await createKey(['fax:read'])}` });
    const refused = await tool(reader, 'send_fax', { to: '+15551230001', fileContent: Buffer.from('hi').toString('base64') });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toBe('Insufficient scope: fax:send required');
    expect(text(await tool(reader, 'list_inbound', {}))).toBe('Insufficient scope: inbound:list required');
    expect((await tool(reader, 'list_faxes', {})).isError).toBeFalsy();
    await expect(connect(kind, {})).rejects.toThrow();
    await expect(connect(kind, { 'x-api-key': 'fbk_live_000000000000_wrong' })).rejects.toThrow();
  });
});

describe('MCP over SSE sessions', () => {
  it('lets only the key that opened a stream speak into it', async () => {
    gw = await startTestGateway({ env: authEnv });
    const owner = await createKey(['fax:read']);
    const other = await createKey(['fax:read']);
    const stream = await fetch(`${gw.url}/mcp/sse`, { headers: { 'x-api-key': owner } });
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    for (let chunk = 0; chunk < 20 && !/data: (\S+)/.test(received); chunk += 1)
      received += new TextDecoder().decode((await reader.read()).value);
    const endpoint = (/data: (\S+)/.exec(received) as RegExpExecArray)[1] as string;
    expect(endpoint).toMatch(/^\/mcp\/sse\/messages\?sessionId=/);
    cleanups.push(() => reader.cancel());
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    const post = (key: string, path = endpoint) =>
      fetch(`${gw!.url}${path}`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify(ping),
      });
    const intruder = await post(other);
    expect(intruder.status).toBe(403);
    expect(await intruder.json()).toEqual({ detail: 'This MCP session belongs to another API key' });
    expect((await post(owner, '/mcp/sse/messages?sessionId=made-up')).status).toBe(404);
    expect((await post(owner)).status).toBe(202);
  });
});

describe('MCP tool arguments', () => {
  it('answers bad arguments with the API sentences, never a stack trace', async () => {
    gw = await startTestGateway({ env: authEnv });
    const client = await connect('http', { 'x-api-key': await createKey(ALL_SCOPES) });
    const cases: [Record<string, unknown>, RegExp | string][] = [
      [{ to: 'not a number', fileContent: Buffer.from('hi').toString('base64') }, /^'to' must contain only digits/],
      [{ to: '+15551230001' }, /^Give exactly one of fileContent, fileUrl or filePath$/],
      [{ to: '+15551230001', fileContent: 'aGk=', fileUrl: 'https://example.com/a.pdf' }, /^Give exactly one/],
      [{ to: '+15551230001', filePath: '/etc/passwd' }, FILE_PATH_REFUSED],
      [{ to: '+15551230001', fileContent: '%%%not base64%%%' }, /^fileContent must be base64$/],
      [
        { to: '+15551230001', fileContent: Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64') },
        /Only PDF, TXT, JPEG, PNG and TIFF|only PDF, TXT, JPEG, PNG and TIFF/,
      ],
      [{ to: '+15551230001', fileUrl: 'file:///etc/passwd' }, /^fileUrl must start with http/],
      [{ to: '+15551230001', fileUrl: `${gw.url}/health` }, /private or local address/],
      [{ to: '+15551230001', fileContent: 'aGk=', fileType: 'docx' }, /Input validation error: .*expected one of "pdf"\|"txt" at fileType/],
    ];
    for (const [args, expected] of cases) {
      const result = await tool(client, 'send_fax', args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      if (typeof expected === 'string') expect(text(result)).toBe(expected);
      else expect(text(result)).toMatch(expected);
      expect(text(result)).not.toMatch(/\n\s+at /);
    }
    expect(text(await tool(client, 'get_fax_status', { jobId: 'nope' }))).toBe('Job not found');
    expect(text(await tool(client, 'list_faxes', { status: 'maybe' }))).toBe('Unknown status filter "maybe"');
    expect((await tool(client, 'list_inbound', { limit: 0 })).isError).toBe(true);
  });

  it('cancels a queued fax and resends it as a new job', async () => {
    gw = await startTestGateway({ env: authEnv, startWorkers: false });
    const client = await connect('http', { 'x-api-key': await createKey(ALL_SCOPES) });
    const sent = await tool(client, 'send_fax', { to: '+15551230003', fileContent: Buffer.from('cancel me').toString('base64') });
    const id = (sent.structuredContent as { id: string }).id;
    const canceled = await tool(client, 'cancel_fax', { jobId: id });
    expect(canceled.structuredContent).toMatchObject({ id, state: 'canceled', status: 'FAILED' });
    const again = await tool(client, 'resend_fax', { jobId: id, to: '+15551230004' });
    expect(again.isError).toBeFalsy();
    expect(again.structuredContent).toMatchObject({ state: 'queued', to: '+15551230004' });
    expect((again.structuredContent as { id: string }).id).not.toBe(id);
  });

  it('fetches fileUrl from this computer only when MCP_FILE_URL_ALLOW_PRIVATE is on', async () => {
    const pdf = Buffer.from(await onePagePdf());
    const origin: Server = createServer((req, res) => {
      if (req.url === '/big.pdf') {
        res.writeHead(200, { 'content-type': 'application/pdf' });
        res.end(Buffer.alloc(2 * 1024 * 1024 + 10, 0x25));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => origin.close(() => resolve())));
    const base = `http://127.0.0.1:${(origin.address() as { port: number }).port}`;
    gw = await startTestGateway({
      env: { ...authEnv, MCP_FILE_URL_ALLOW_PRIVATE: 'true' },
      settings: { simulator: { stepDelayMs: 40 }, maxFileSizeMb: 2 },
    });
    const client = await connect('http', { 'x-api-key': await createKey(ALL_SCOPES) });
    const ok = await tool(client, 'send_fax', { to: '+15551230005', fileUrl: `${base}/scans/invoice.pdf` });
    expect(ok.isError, text(ok)).toBeFalsy();
    expect(ok.structuredContent).toMatchObject({ file_name: 'invoice.pdf', pages: 1 });
    const big = await tool(client, 'send_fax', { to: '+15551230005', fileUrl: `${base}/big.pdf` });
    expect(text(big)).toBe('The file at fileUrl exceeds the 2 MB limit');
  });
});

describe('MCP over stdio (npm run mcp)', () => {
  it('says plainly when the gateway is not running, instead of dying', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const bridge = await runStdioBridge({ apiUrl: 'http://127.0.0.1:9', apiKey: 'fbk_live_000000000000_x', transport: serverSide });
    cleanups.push(() => bridge.close());
    const client = new Client({ name: 'mcp-test', version: '1.0.0' });
    await client.connect(clientSide);
    await expect(client.listTools()).rejects.toThrow('Cannot reach the Faxbot Desktop gateway at http://127.0.0.1:9: is the app running?');
    const local = await tool(client, 'send_fax', { to: '+15551230006', filePath: '/definitely/not/here.pdf' });
    expect(text(local)).toBe('File not found: /definitely/not/here.pdf');
  });

  it('forwards to the gateway with API_KEY and turns filePath into the document', { timeout: 30_000 }, async () => {
    gw = await startTestGateway({ env: authEnv });
    const dir = mkdtempSync(join(tmpdir(), 'fbd-mcp-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'memo.pdf'), await onePagePdf());
    const client = new Client({ name: 'mcp-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['--import', 'tsx', 'electron/gateway/cli.ts', 'mcp'],
        cwd: process.cwd(),
        env: { PATH: process.env.PATH ?? '', FAX_API_URL: gw.url, API_KEY: await createKey(['fax:send', 'fax:read']) },
        stderr: 'pipe',
      }),
    );
    cleanups.push(() => client.close());
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    const sent = await tool(client, 'send_fax', { to: '+15551230006', filePath: join(dir, 'memo.pdf') });
    expect(sent.isError, text(sent)).toBeFalsy();
    expect(sent.structuredContent).toMatchObject({ file_name: 'memo.pdf', pages: 1 });
    expect(await pollStatus(client, (sent.structuredContent as { id: string }).id, ['SUCCESS'])).toMatchObject({ state: 'delivered' });
    expect(text(await tool(client, 'send_fax', { to: '+15551230006', filePath: join(dir, 'missing.pdf') }))).toBe(
      `File not found: ${join(dir, 'missing.pdf')}`,
    );
    expect(text(await tool(client, 'list_inbound', {}))).toBe('Insufficient scope: inbound:list required');
  });
});
