import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';

/** Values planted in the environment and the traffic; none may appear in any output of the run. */
const PLANTED = {
  apiKey: 'PLANTEDbootstrapKey7f3c9e1d5b',
  phaxioSecret: 'PLANTEDphaxioSecret48a1c2',
  phaxioKey: 'PLANTEDphaxioKey93be77',
  sinchSecret: 'PLANTEDsinchSecret5d0e1f',
  signalwireToken: 'PLANTEDsignalwireTokenA8c3',
  number: '+15551237788',
  numberDigits: '5551237788',
  documentText: 'PLANTED-DOCUMENT-CONTENT-quarterly-salaries',
  wrongToken: 'PLANTEDwrongMediaToken1234567890',
  loginCode: 'PLANTEDloginCodeGuess99',
};

const dataDir = mkdtempSync(join(tmpdir(), 'fbd-log-secrets-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('logs never carry secrets, numbers or document content', () => {
  it('a full CLI session with planted secrets: zero hits in stdout, stderr and audit.jsonl', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/gateway/cli.ts', '--port', '0', '--data-dir', dataDir], {
      env: {
        PATH: process.env.PATH,
        HOME: dataDir,
        LOG_LEVEL: 'debug',
        FAX_BACKEND: 'simulator',
        SIMULATOR_STEP_MS: '20',
        API_KEY: PLANTED.apiKey,
        PHAXIO_API_KEY: PLANTED.phaxioKey,
        PHAXIO_API_SECRET: PLANTED.phaxioSecret,
        SINCH_API_SECRET: PLANTED.sinchSecret,
        SIGNALWIRE_API_TOKEN: PLANTED.signalwireToken,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
    try {
      const deadline = Date.now() + 30_000;
      while (!/listening on (http:\/\/\S+)/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (!url) throw new Error(`gateway did not start: ${output}`);
      const admin = { 'x-api-key': PLANTED.apiKey };
      const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer) => {
        const res = await request(`${url}${path}`, { method: method as 'GET', headers, body });
        const text = await res.body.text();
        return { status: res.statusCode, json: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : null };
      };

      expect((await call('GET', '/health/ready')).status).toBe(200);
      const form = new FormData();
      form.append('to', PLANTED.number);
      form.append('file', new Blob([`${PLANTED.documentText}\n`]), 'salaries.txt');
      const encoded = new Response(form);
      const sent = await call(
        'POST',
        '/fax',
        { ...admin, 'content-type': encoded.headers.get('content-type') as string },
        Buffer.from(await encoded.arrayBuffer()),
      );
      expect(sent.status).toBe(202);
      for (let i = 0; i < 200 && (await call('GET', `/fax/${sent.json.id}`, admin)).json.state !== 'delivered'; i += 1)
        await new Promise((r) => setTimeout(r, 25));
      expect((await call('GET', `/fax/${sent.json.id}`, admin)).json.state).toBe('delivered');

      const key = (await call('POST', '/admin/api-keys', { ...admin, 'content-type': 'application/json' }, '{"scopes":["fax:read"]}')).json;
      const keySecret = String(key.token).split('_').slice(3).join('_');
      expect(keySecret.length).toBeGreaterThan(20);
      for (let i = 0; i < 40; i += 1) await call('GET', '/fax/x', { 'x-api-key': `fbk_live_${key.key_id}_${PLANTED.wrongToken}${i}` });
      await call('GET', `/fax/${sent.json.id}/pdf?token=${PLANTED.wrongToken}`);
      await call('GET', `/ui/login?code=${PLANTED.loginCode}`, { host: '127.0.0.1' });
      await call('POST', '/admin/diagnostics/run', admin);
      await call('GET', '/admin/logs', admin);
      await call('GET', '/admin/fax-jobs', admin);
      await call('GET', `/fax/${sent.json.id}`, { 'x-api-key': key.token });
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);

      const audit = readFileSync(join(dataDir, 'audit.jsonl'), 'utf8');
      const everything = `${output}\n${audit}`;
      // The run did log: the banner, structured lines and audit rows (so an empty output cannot pass).
      expect(output).toMatch(/Faxbot Desktop gateway listening on/);
      expect(audit.split('\n').filter(Boolean).length).toBeGreaterThan(5);
      expect(existsSync(join(dataDir, 'audit.jsonl'))).toBe(true);
      const planted: [string, string][] = [...Object.entries(PLANTED), ['createdKeySecret', keySecret]];
      const hits = planted.filter(([, value]) => everything.includes(value));
      expect(hits).toEqual([]);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  }, 60_000);
});
