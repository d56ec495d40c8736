import { Ajv2020 } from 'ajv/dist/2020.js';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { coverTemplatePdf } from '../testing/cover-template-pdf';
import { faxForm, startTestGateway, type TestGateway } from '../testing/harness';
import type { OpenApiDocument } from './openapi';

const ADMIN = 'bootstrap_admin_for_openapi';
const admin = { 'x-api-key': ADMIN };

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

const toTemplate = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');

interface Recorded {
  method: string;
  template: string;
  status: number;
  type: string;
  body: unknown;
}

describe('/openapi.json and /docs', () => {
  it('describes every registered route, and nothing the gateway does not serve', async () => {
    gw = await startTestGateway({ env: { API_KEY: ADMIN } });
    const doc = (await gw.get('/openapi.json')).body as OpenApiDocument;
    expect(doc.openapi).toBe('3.1.0');
    const missing = gw.routes
      .filter((route) => !doc.paths[toTemplate(route.url)]?.[route.method.toLowerCase()])
      .map((route) => `${route.method} ${route.url}`);
    expect(missing, 'routes missing from the OpenAPI document (add them to ROUTE_DOCS)').toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = new Set(gw.routes.map((route) => `${route.method} ${toTemplate(route.url)}`));
    expect(documented.filter((op) => !served.has(op))).toEqual([]);
    // Request schemas come from the routes' own zod schemas: e.g. the admin job list limit is 1-100.
    const limit = (doc.paths['/admin/fax-jobs']?.get as { parameters: { name: string; schema: { maximum?: number } }[] }).parameters.find(
      (p) => p.name === 'limit',
    );
    expect(limit?.schema.maximum).toBe(100);
  });

  it('agrees with the real answers: recorded responses validate against the documented response schemas', async () => {
    gw = await startTestGateway({ env: { API_KEY: ADMIN } });
    const recorded: Recorded[] = [];
    const base = gw.url;
    const call = async (
      method: string,
      template: string,
      path: string,
      init: { headers?: Record<string, string>; body?: unknown } = {},
    ) => {
      const isForm = init.body instanceof FormData;
      const payload = isForm ? new Response(init.body as FormData) : null;
      const res = await request(`${base}${path}`, {
        method: method as 'GET',
        headers: {
          ...init.headers,
          ...(payload ? { 'content-type': payload.headers.get('content-type') as string } : {}),
          ...(init.body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
        },
        body: payload ? Buffer.from(await payload.arrayBuffer()) : init.body !== undefined ? JSON.stringify(init.body) : undefined,
      });
      const type = String(res.headers['content-type'] ?? '');
      const text = await res.body.text();
      const body = type.includes('json') ? JSON.parse(text) : text;
      recorded.push({ method, template, status: res.statusCode, type, body });
      return { status: res.statusCode, body };
    };

    await call('GET', '/health', '/health');
    await call('GET', '/health/ready', '/health/ready');
    await call('GET', '/plugins', '/plugins');
    await call('GET', '/plugins', '/plugins', { headers: admin });
    const sent = await call('POST', '/fax', '/fax', { headers: admin, body: faxForm('+15551230001', { name: 'a.txt', bytes: 'hello' }) });
    const jobId = (sent.body as { id: string }).id;
    await call('POST', '/fax', '/fax', { headers: admin, body: faxForm('nope', { name: 'a.txt', bytes: 'hello' }) });
    await call('POST', '/fax', '/fax', { body: faxForm('+15551230001', { name: 'a.txt', bytes: 'hello' }) });
    await call('GET', '/fax/{id}', `/fax/${jobId}`, { headers: admin });
    await call('GET', '/fax/{id}', '/fax/unknown', { headers: admin });
    await call('GET', '/fax/{id}/pdf', `/fax/${jobId}/pdf`);
    await call('GET', '/fax/{id}/pdf', `/fax/${jobId}/pdf?token=wrong`);
    const simulated = await call('POST', '/admin/inbound/simulate', '/admin/inbound/simulate', { headers: admin, body: {} });
    const inboundId = (simulated.body as { id: string }).id;
    await call('GET', '/inbound', '/inbound', { headers: admin });
    await call('GET', '/inbound/{id}', `/inbound/${inboundId}`, { headers: admin });
    await call('GET', '/inbound/{id}', '/inbound/unknown', { headers: admin });
    await call('GET', '/inbound/{id}/pdf', `/inbound/${inboundId}/pdf`, { headers: admin });
    const created = await call('POST', '/admin/api-keys', '/admin/api-keys', {
      headers: admin,
      body: { name: 'doc', scopes: ['fax:read'] },
    });
    const keyId = (created.body as { key_id: string }).key_id;
    await call('POST', '/admin/api-keys', '/admin/api-keys', { headers: admin, body: { scopes: 'not-a-list' } });
    await call('GET', '/admin/api-keys', '/admin/api-keys', { headers: admin });
    await call('POST', '/admin/api-keys/{keyId}/rotate', `/admin/api-keys/${keyId}/rotate`, { headers: admin, body: {} });
    await call('DELETE', '/admin/api-keys/{keyId}', `/admin/api-keys/${keyId}`, { headers: admin });
    for (const path of [
      '/admin/config',
      '/admin/health-status',
      '/admin/logs',
      '/admin/inbound/callbacks',
      '/admin/fax-jobs',
      '/admin/settings',
      '/admin/settings/export',
      '/admin/db-status',
      '/admin/logs/tail',
    ])
      await call('GET', path, path, { headers: admin });
    await call('GET', '/admin/fax-jobs', '/admin/fax-jobs?limit=500', { headers: admin });
    await call('GET', '/admin/settings', '/admin/settings');
    await call('POST', '/admin/diagnostics/run', '/admin/diagnostics/run', { headers: admin, body: {} });
    await call('PUT', '/admin/settings', '/admin/settings', { headers: admin, body: { inbound_list_rpm: 40 } });
    await call('PUT', '/admin/settings', '/admin/settings', { headers: admin, body: { nonsense: 1 } });
    await call('POST', '/admin/settings/validate', '/admin/settings/validate', { headers: admin, body: { backend: 'simulator' } });
    await call('GET', '/admin/fax-jobs/{id}', `/admin/fax-jobs/${jobId}`, { headers: admin });
    await call('GET', '/admin/fax-jobs/{id}/pdf', `/admin/fax-jobs/${jobId}/pdf`, { headers: admin });
    await call('POST', '/admin/fax-jobs/{id}/refresh', '/admin/fax-jobs/unknown/refresh', { headers: admin, body: {} });
    await call('POST', '/admin/restart', '/admin/restart', { headers: admin, body: {} });
    await call('POST', '/phaxio-callback', '/phaxio-callback?job_id=x', { body: { id: 1 } });
    await call('POST', '/sinch-inbound', '/sinch-inbound', { body: { id: 'x' } });
    await call('POST', '/signalwire-callback', '/signalwire-callback?job_id=x', { body: {} });
    await call('GET', '/mcp/http', '/mcp/http', { headers: admin });

    // The office routes: phone book, groups, batch send, confirmation report.
    const contact = await call('POST', '/contacts', '/contacts', {
      headers: admin,
      body: { name: 'Ann', company: 'Clinic', fax: '+15551230003', cover_policy: 'never' },
    });
    const contactId = (contact.body as { id: string }).id;
    await call('POST', '/contacts', '/contacts', { headers: admin, body: { name: 'Bad', fax: 'call me' } });
    await call('PATCH', '/contacts/{id}', `/contacts/${contactId}`, { headers: admin, body: { notes: 'Front desk' } });
    await call('PUT', '/contacts/{id}', `/contacts/${contactId}`, { headers: admin, body: { name: 'Ann B', fax: '+15551230003' } });
    await call('GET', '/contacts/{id}', '/contacts/unknown', { headers: admin });
    const team = await call('POST', '/groups', '/groups', { headers: admin, body: { name: 'Labs', contact_ids: [contactId] } });
    const groupId = (team.body as { id: string }).id;
    await call('POST', '/groups', '/groups', { headers: admin, body: { name: 'labs' } });
    await call('GET', '/groups', '/groups', { headers: admin });
    await call('GET', '/groups/{id}', `/groups/${groupId}`, { headers: admin });
    await call('PUT', '/groups/{id}', `/groups/${groupId}`, { headers: admin, body: { name: 'Lab partners', contact_ids: [contactId] } });
    await call('GET', '/contacts', '/contacts?group=Lab%20partners', { headers: admin });
    await call('GET', '/contacts', '/contacts?limit=0', { headers: admin });
    await call('GET', '/contacts/{id}', `/contacts/${contactId}`, { headers: admin });
    await call('GET', '/contacts/export.csv', '/contacts/export.csv', { headers: admin });
    await call('GET', '/contacts/export.vcf', '/contacts/export.vcf', { headers: admin });
    const badImport = new FormData();
    badImport.append('file', new Blob(['name,fax\nBad,not a number\n']), 'contacts.csv');
    await call('POST', '/contacts/import', '/contacts/import', { headers: admin, body: badImport });
    const goodImport = new FormData();
    goodImport.append('file', new Blob(['name,fax\nBen,+15551230004\n']), 'contacts.csv');
    await call('POST', '/contacts/import', '/contacts/import', { headers: admin, body: goodImport });
    const batchForm = faxForm('+15551230005', { name: 'a.txt', bytes: 'hello' });
    batchForm.append('group', 'Lab partners');
    const batch = await call('POST', '/fax/batch', '/fax/batch', { headers: admin, body: batchForm });
    const batchId = (batch.body as { batch_id: string }).batch_id;
    await call('POST', '/fax/batch', '/fax/batch', { headers: admin, body: faxForm('nope', { name: 'a.txt', bytes: 'hello' }) });
    await call('GET', '/fax/batch/{id}', `/fax/batch/${batchId}`, { headers: admin });
    await call('GET', '/fax/batch/{id}', '/fax/batch/unknown', { headers: admin });
    await call('GET', '/fax/{id}/report.pdf', '/fax/unknown/report.pdf', { headers: admin });
    const coverForm = (name: string, pdf: Uint8Array) => {
      const form = new FormData();
      form.append('name', name);
      form.append('file', new Blob([new Uint8Array(pdf)]), 'cover.pdf');
      return form;
    };
    const template = await coverTemplatePdf();
    await call('POST', '/admin/cover-templates', '/admin/cover-templates', { headers: admin, body: coverForm('acme', template) });
    await call('POST', '/admin/cover-templates', '/admin/cover-templates', { headers: admin, body: coverForm('standard', template) });
    await call('GET', '/admin/cover-templates', '/admin/cover-templates', { headers: admin });
    await call('POST', '/covers/preview', '/covers/preview', { headers: admin, body: { cover: 'acme', to: '+15551230005' } });
    await call('POST', '/covers/preview', '/covers/preview', { headers: admin, body: { cover: 'nope' } });
    await call('DELETE', '/admin/cover-templates/{name}', '/admin/cover-templates/acme', { headers: admin });
    await call('DELETE', '/admin/cover-templates/{name}', '/admin/cover-templates/acme', { headers: admin });
    await call('DELETE', '/groups/{id}', `/groups/${groupId}`, { headers: admin });
    await call('DELETE', '/contacts/{id}', `/contacts/${contactId}`, { headers: admin });

    await call('GET', '/ui/session', '/ui/session');
    await call('GET', '/openapi.json', '/openapi.json');

    const doc = (await gw.get('/openapi.json')).body as OpenApiDocument;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const problems: string[] = [];
    for (const r of recorded) {
      const operation = doc.paths[r.template]?.[r.method.toLowerCase()] as
        { responses: Record<string, { content?: Record<string, { schema: object }> }> } | undefined;
      const response = operation?.responses[String(r.status)];
      if (!response) {
        problems.push(`${r.method} ${r.template} answered ${r.status}, which the document does not list`);
        continue;
      }
      if (!response.content) {
        if (r.body !== '') problems.push(`${r.method} ${r.template} ${r.status}: documented without a body, answered ${r.type}`);
        continue;
      }
      const media = Object.keys(response.content);
      if (!media.some((m) => r.type.startsWith(m))) {
        problems.push(`${r.method} ${r.template} ${r.status}: answered ${r.type}, documented ${media.join(', ')}`);
        continue;
      }
      const schema = response.content?.['application/json']?.schema;
      if (schema && !ajv.validate(schema, r.body))
        problems.push(`${r.method} ${r.template} ${r.status}: ${ajv.errorsText(ajv.errors)} in ${JSON.stringify(r.body).slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
    expect(recorded.length).toBeGreaterThan(65);
    expect(new Set(recorded.map((r) => r.status))).toEqual(new Set([200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 415]));
    const batchSent = recorded.find((r) => r.template === '/fax/batch' && r.status === 202)?.body as {
      total: number;
      jobs: { batch_id: string }[];
    };
    expect(batchSent.total).toBe(2);
    expect(batchSent.jobs.every((job) => job.batch_id === batchId)).toBe(true);
  });

  it('/docs is a self-contained page (no CDN) that loads the document from this gateway', async () => {
    gw = await startTestGateway();
    const page = await gw.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)/);
    const script = await gw.get('/docs/viewer.js');
    expect(script.status).toBe(200);
    expect(script.body).toContain("fetch('/openapi.json')");
    expect(script.body).not.toMatch(/https?:\/\//);
  });
});
