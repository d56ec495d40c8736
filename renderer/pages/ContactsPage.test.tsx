// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContactView } from '../../shared/contacts';
import { App } from '../App';
import { fakeBridge, gatewayStatus, settingsView } from '../test/fake-bridge';

afterEach(cleanup);

function contact(over: Partial<ContactView>): ContactView {
  return {
    id: 'c1',
    name: 'Ann Example',
    company: 'Riverside Clinic',
    fax: '+12025550143',
    faxE164: '+12025550143',
    voice: '',
    email: '',
    notes: '',
    coverPolicy: 'default',
    groupIds: [],
    createdAt: '',
    updatedAt: '',
    ...over,
  };
}

describe('Contacts', () => {
  it('adds a contact, and shows the reason when the gateway refuses one', async () => {
    window.location.hash = '#/contacts';
    const saved: unknown[] = [];
    const bridge = fakeBridge({
      'gateway:status': () => gatewayStatus(),
      'settings:get': () => settingsView(),
      'groups:list': () => [{ id: 'g1', name: 'Labs', contactIds: [], createdAt: '', updatedAt: '' }],
      'contacts:list': () => ({ items: [contact({})], total: 1 }),
      'contacts:create': (input) => {
        if (input.fax === '12') throw new Error('fax is too short to be a fax number');
        saved.push(input);
        return contact({ id: 'c2', name: input.name });
      },
      'contacts:import': () => {
        throw new Error('Nothing was imported: 1 row has a problem (row 3: fax is too short to be a fax number)');
      },
    });
    render(<App bridge={bridge} />);
    expect(await screen.findByText('Ann Example')).toBeTruthy();
    expect(screen.getByTestId('contacts-total').textContent).toBe('1 contact');

    fireEvent.click(screen.getByRole('button', { name: 'Add contact' }));
    const form = await screen.findByRole('form', { name: 'New contact' });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Bob' } });
    fireEvent.change(screen.getByLabelText('Fax number'), { target: { value: '12' } });
    fireEvent.submit(form);
    expect((await screen.findByRole('alert')).textContent).toMatch(/fax is too short/);

    fireEvent.change(screen.getByLabelText('Fax number'), { target: { value: '+12025550199' } });
    fireEvent.click(screen.getByLabelText('Labs'));
    fireEvent.change(screen.getByLabelText('Cover page'), { target: { value: 'always' } });
    fireEvent.submit(form);
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({ name: 'Bob', fax: '+12025550199', groupIds: ['g1'], coverPolicy: 'always' });

    fireEvent.change(screen.getByTestId('contacts-import'), { target: { files: [new File(['name,fax\nA,12'], 'bad.csv')] } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/Nothing was imported: .*row 3/);
  });
});
