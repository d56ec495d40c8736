import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundView, JobView } from '../../../shared/types';
import { startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway | null = null;
afterEach(async () => {
  await gw?.close();
  gw = null;
});

describe('inbound:annotate', () => {
  it('renames, notes and assigns a received fax; empty text clears, omitted fields stay', async () => {
    gw = await startTestGateway({ startWorkers: false });
    const received = (await gw.invoke('inbound:simulate', {})) as { ok: true; value: InboundView };
    const named = await gw.invoke('inbound:annotate', {
      id: received.value.id,
      title: 'Referral: Smith',
      note: 'Call back',
      assignee: 'Maria',
    });
    expect(named).toMatchObject({ ok: true, value: { title: 'Referral: Smith', note: 'Call back', assignee: 'Maria' } });
    const cleared = await gw.invoke('inbound:annotate', { id: received.value.id, note: '  ' });
    expect(cleared).toMatchObject({ ok: true, value: { title: 'Referral: Smith', note: null, assignee: 'Maria' } });
    expect(await gw.invoke('inbound:get', { id: received.value.id })).toMatchObject({ ok: true, value: { title: 'Referral: Smith' } });
  });
});

describe('inbound:forward', () => {
  it('forwards a received fax as a new outbound job, or replies with a cover page', async () => {
    gw = await startTestGateway({ startWorkers: false });
    const received = (await gw.invoke('inbound:simulate', { from: '+12025550177' })) as { ok: true; value: InboundView };
    const forwarded = (await gw.invoke('inbound:forward', { id: received.value.id, to: '+12025550188' })) as { ok: true; value: JobView };
    expect(forwarded.value).toMatchObject({ toE164: '+12025550188', pages: received.value.pages, status: 'queued' });
    expect(forwarded.value.fileName).toMatch(/^fax-from-\+12025550177-\d{4}-\d{2}-\d{2}\.pdf$/);

    const reply = (await gw.invoke('inbound:forward', {
      id: received.value.id,
      to: received.value.from,
      cover: { template: 'standard', subject: 'Re: your fax' },
    })) as { ok: true; value: JobView };
    expect(reply.value.pages).toBe((received.value.pages ?? 0) + 1);
    const pdf = await PDFDocument.load((await gw.core.jobs.readPdf(await gw.core.jobs.row(reply.value.id)))!);
    expect(pdf.getPageCount()).toBe(reply.value.pages);

    expect(await gw.invoke('inbound:forward', { id: 'missing', to: '+12025550188' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
