// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { COVER_LABELS, COVER_TEMPLATES, type CoverTemplateView } from '../../shared/cover';
import { App } from '../App';
import { fakeBridge, gatewayStatus, settingsView } from '../test/fake-bridge';

afterEach(cleanup);

const builtIn: CoverTemplateView[] = COVER_TEMPLATES.map((name) => ({
  name,
  label: COVER_LABELS[name],
  builtIn: true,
  fields: [],
  createdAt: null,
  size: null,
}));
const acme: CoverTemplateView = {
  name: 'acme',
  label: 'ACME letterhead',
  builtIn: false,
  fields: ['to_name', 'subject', 'urgent'],
  createdAt: '2026-01-01T00:00:00Z',
  size: 5000,
};

describe('Settings → Cover pages', () => {
  it("shows the gateway's refusal as a sentence, then lists the imported template and deletes it after a confirmation", async () => {
    window.location.hash = '#/settings';
    let templates = [...builtIn];
    let attempts = 0;
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus(),
      'settings:get': () => settingsView(),
      'covers:list': () => templates,
      'covers:import': () => {
        attempts += 1;
        if (attempts === 1) throw new Error('This PDF has {{to_name}} written as page text, which is sent as written, never replaced.');
        templates = [...builtIn, acme];
        return { template: acme, warnings: [] };
      },
      'covers:delete': () => {
        templates = [...builtIn];
        return { deleted: true as const };
      },
    });
    render(<App bridge={bridge} />);
    const card = await screen.findByTestId('cover-templates');
    const pdf = new File(['%PDF-1.7 form'], 'letterhead.pdf', { type: 'application/pdf' });
    fireEvent.change(within(card).getByLabelText('Name (what cover=<name> asks for)'), { target: { value: 'acme' } });
    fireEvent.change(within(card).getByTestId('cover-template-file'), { target: { files: [pdf] } });
    fireEvent.click(within(card).getByRole('button', { name: 'Import template' }));
    expect((await within(card).findByRole('alert')).textContent).toMatch(/\{\{to_name\}\} written as page text/);

    fireEvent.click(within(card).getByRole('button', { name: 'Import template' }));
    const row = await within(card).findByTestId('cover-template-row');
    expect(row.textContent).toContain('cover=acme');
    expect(within(card).queryByRole('alert')).toBeNull();
    const sent = bridge.calls.filter((c) => c.method === 'covers:import').at(-1)?.input as { name: string; contentBase64: string };
    expect(sent.name).toBe('acme');
    expect(atob(sent.contentBase64)).toBe('%PDF-1.7 form');

    fireEvent.click(within(row).getByRole('button', { name: 'Delete ACME letterhead' }));
    fireEvent.click(within(row).getByRole('button', { name: 'Yes, delete ACME letterhead' }));
    await waitFor(() => expect(within(card).queryByTestId('cover-template-row')).toBeNull());
    expect(bridge.calls.some((c) => c.method === 'covers:delete')).toBe(true);
  });
});

describe('Send: the cover preview', () => {
  it('asks for the first recipient once typing pauses, says it is the first of several, and offers the template’s own fields', async () => {
    window.location.hash = '#/send';
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus(),
      'settings:get': () => settingsView(),
      'jobs:preflight': () => ({ ok: true, pages: 2, warnings: [], error: null }),
      'contacts:list': () => ({ items: [], total: 0 }),
      'groups:list': () => [],
      'contacts:recent': () => [],
      'covers:list': () => [...builtIn, acme],
      'covers:preview': (input) => ({
        template: input.cover?.template ?? null,
        pdfBase64: null,
        pages: input.documentPages + 1,
        recipient: input.to === '+12025550143' ? 'Ann Example' : (input.to ?? null),
        reason: null,
      }),
    });
    render(<App bridge={bridge} />);
    fireEvent.change(await screen.findByTestId('file-input'), { target: { files: [new File(['Hello'], 'memo.txt')] } });
    await screen.findByText('2 pages');
    fireEvent.change(screen.getByLabelText('Fax number'), { target: { value: '+12025550143, +12025550101' } });
    fireEvent.change(screen.getByLabelText('Cover page'), { target: { value: 'acme' } });
    // This template has a subject field and an Urgent tick, but no note box.
    expect(screen.getByTestId('cover-template-fields').textContent).toBe(
      "This template fills in: Recipient's name, Subject, the “Urgent” tick.",
    );
    expect(screen.queryByLabelText('Note')).toBeNull();
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'L' } });
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Lab results' } });

    const card = await screen.findByTestId('cover-preview');
    await waitFor(() => expect(within(card).getByTestId('cover-preview-for').textContent).toContain('the first of 2 recipients'));
    expect(within(card).getByText('Cover page: ACME letterhead')).toBeTruthy();
    expect(screen.getByTestId('send-summary').textContent).toBe('1 document · 2 pages + cover page = 3 pages');
    const previews = bridge.calls
      .filter((c) => c.method === 'covers:preview')
      .map((c) => c.input as { to?: string; cover: { subject?: string } });
    // Debounced: the half-typed "L" was never asked for.
    expect(previews.some((p) => p.cover?.subject === 'L')).toBe(false);
    expect(previews.at(-1)).toMatchObject({ to: '+12025550143', cover: { template: 'acme', subject: 'Lab results' } });
  });
});
