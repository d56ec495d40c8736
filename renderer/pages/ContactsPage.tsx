import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { COVER_POLICIES, type ContactInput, type ContactView, type CoverPolicy } from '../../shared/contacts';
import { errorMessage } from '../api/client';
import { useCall, useInvoke } from '../api/hooks';
import { readFiles } from '../lib/files';
import { plural } from '../lib/format';
import { useShell } from '../lib/shell-context';

const COVER_LABELS: Record<CoverPolicy, string> = {
  default: 'As chosen when sending',
  always: 'Always add a cover page',
  never: 'Never add a cover page',
};

const EMPTY: Required<Omit<ContactInput, 'groupIds'>> & { groupIds: string[] } = {
  name: '',
  company: '',
  fax: '',
  voice: '',
  email: '',
  notes: '',
  coverPolicy: 'default',
  groupIds: [],
};

/** The phone book: contacts, groups, CSV / vCard import and export. */
export function ContactsPage() {
  const invoke = useInvoke();
  const { toast } = useShell();
  const [search, setSearch] = useState('');
  const [groupId, setGroupId] = useState<string | null>(null);
  const [editing, setEditing] = useState<ContactView | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [newGroup, setNewGroup] = useState('');
  const importInput = useRef<HTMLInputElement>(null);
  const groups = useCall('groups:list', {});
  const contacts = useCall(
    'contacts:list',
    { search: search.trim() || undefined, groupId: groupId ?? undefined, limit: 200 },
    `${search}|${groupId}`,
  );

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  async function importFile(files: FileList | null) {
    const [file] = files ? await readFiles([...files].slice(0, 1)) : [];
    if (importInput.current) importInput.current.value = '';
    if (!file) return;
    await run(async () => {
      const result = await invoke('contacts:import', { text: new TextDecoder().decode(file.bytes) });
      toast(
        `Imported ${plural(result.imported, 'contact')}${result.groupsCreated ? ` and ${plural(result.groupsCreated, 'new group')}` : ''}.`,
      );
      contacts.reload();
      groups.reload();
    });
  }

  async function exportAs(format: 'csv' | 'vcard') {
    await run(async () => {
      const file = await invoke('contacts:export', { format });
      const url = URL.createObjectURL(new Blob([file.text], { type: file.mimeType }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  }

  const groupList = groups.data ?? [];
  const page = contacts.data;

  return (
    <div className="page contacts">
      <div className="page-head">
        <h1>Contacts</h1>
        <span className="muted" data-testid="contacts-total">
          {page ? plural(page.total, 'contact') : ''}
        </span>
        <div className="head-actions">
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            Add contact
          </button>
          <button type="button" onClick={() => importInput.current?.click()}>
            Import CSV or vCard…
          </button>
          <input
            ref={importInput}
            className="visually-hidden"
            type="file"
            accept=".csv,.vcf,text/csv,text/vcard"
            aria-label="Import contacts from a CSV or vCard file"
            data-testid="contacts-import"
            tabIndex={-1}
            onChange={(e) => void importFile(e.target.files)}
          />
          <button type="button" onClick={() => void exportAs('csv')}>
            Export CSV
          </button>
          <button type="button" onClick={() => void exportAs('vcard')}>
            Export vCard
          </button>
        </div>
      </div>
      <p className="muted small">
        CSV columns: name, company, fax, voice, email, notes, cover (always / never), groups (separated by ;). An import with any bad row
        imports nothing and lists every row to fix.
      </p>
      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
      <div className="contacts-grid">
        <nav className="card groups-panel" aria-label="Groups">
          <h2>Groups</h2>
          <ul>
            <li>
              <button type="button" className={`link-button ${groupId === null ? 'current' : ''}`} onClick={() => setGroupId(null)}>
                All contacts
              </button>
            </li>
            {groupList.map((g) => (
              <li key={g.id} className="group-item">
                <button
                  type="button"
                  className={`link-button ${groupId === g.id ? 'current' : ''}`}
                  aria-current={groupId === g.id ? 'true' : undefined}
                  onClick={() => setGroupId(g.id)}
                >
                  {g.name} <span className="muted">({g.contactIds.length})</span>
                </button>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Delete group ${g.name}`}
                  onClick={() =>
                    void run(async () => {
                      if (!window.confirm(`Delete the group "${g.name}"? Its contacts stay in the phone book.`)) return;
                      await invoke('groups:delete', { id: g.id });
                      if (groupId === g.id) setGroupId(null);
                      groups.reload();
                    })
                  }
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                await invoke('groups:create', { name: newGroup });
                setNewGroup('');
                groups.reload();
              });
            }}
          >
            <label htmlFor="new-group" className="visually-hidden">
              New group name
            </label>
            <input id="new-group" placeholder="New group" maxLength={100} value={newGroup} onChange={(e) => setNewGroup(e.target.value)} />
            <button type="submit" disabled={!newGroup.trim()}>
              Add group
            </button>
          </form>
        </nav>
        <section className="contacts-list" aria-label="Contacts">
          <label htmlFor="contacts-search" className="visually-hidden">
            Search contacts
          </label>
          <input
            id="contacts-search"
            type="search"
            placeholder="Search name, company or number"
            value={search}
            maxLength={100}
            onChange={(e) => setSearch(e.target.value)}
          />
          {editing && (
            <ContactForm
              key={editing === 'new' ? 'new' : editing.id}
              contact={editing === 'new' ? null : editing}
              groups={groupList}
              onCancel={() => setEditing(null)}
              onSaved={(saved, created) => {
                toast(created ? `${saved.name} added.` : `${saved.name} saved.`);
                setEditing(null);
                contacts.reload();
                groups.reload();
              }}
            />
          )}
          {contacts.error && <p className="field-error">{contacts.error}</p>}
          {page && page.items.length === 0 && (
            <p className="empty">{search || groupId ? 'No contacts match.' : 'No contacts yet. Add one, or import a CSV or vCard file.'}</p>
          )}
          <table className="contacts-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Company</th>
                <th scope="col">Fax</th>
                <th scope="col">Cover page</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(page?.items ?? []).map((c) => (
                <tr key={c.id} data-testid="contact-row">
                  <td>{c.name}</td>
                  <td>{c.company}</td>
                  <td className="mono">{c.faxE164}</td>
                  <td>{c.coverPolicy === 'default' ? '' : c.coverPolicy === 'always' ? 'Always' : 'Never'}</td>
                  <td className="row-actions">
                    <button type="button" onClick={() => setEditing(c)} aria-label={`Edit ${c.name}`}>
                      Edit
                    </button>
                    <button
                      type="button"
                      aria-label={`Delete ${c.name}`}
                      onClick={() =>
                        void run(async () => {
                          if (!window.confirm(`Delete ${c.name} from the phone book?`)) return;
                          await invoke('contacts:delete', { id: c.id });
                          contacts.reload();
                          groups.reload();
                        })
                      }
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </div>
  );
}

function ContactForm(props: {
  contact: ContactView | null;
  groups: { id: string; name: string }[];
  onCancel: () => void;
  onSaved: (contact: ContactView, created: boolean) => void;
}) {
  const invoke = useInvoke();
  const id = useId();
  const [value, setValue] = useState(() => (props.contact ? { ...EMPTY, ...props.contact, fax: props.contact.fax } : EMPTY));
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) => setValue((v) => ({ ...v, [key]: e.target.value }));

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const contact: ContactInput = {
      name: value.name,
      company: value.company,
      fax: value.fax,
      voice: value.voice,
      email: value.email,
      notes: value.notes,
      coverPolicy: value.coverPolicy,
      groupIds: value.groupIds,
    };
    try {
      const saved = props.contact
        ? await invoke('contacts:update', { id: props.contact.id, contact })
        : await invoke('contacts:create', contact);
      props.onSaved(saved, !props.contact);
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  const field = (key: 'name' | 'company' | 'fax' | 'voice' | 'email', label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        ref={key === 'name' ? first : undefined}
        type={type}
        value={value[key]}
        onChange={set(key)}
        required={key === 'name' || key === 'fax'}
      />
    </div>
  );

  return (
    <form
      className="card contact-form"
      onSubmit={(e) => void save(e)}
      aria-label={props.contact ? `Edit ${props.contact.name}` : 'New contact'}
    >
      <h2>{props.contact ? `Edit ${props.contact.name}` : 'New contact'}</h2>
      <div className="form-grid">
        {field('name', 'Name')}
        {field('company', 'Company')}
        {field('fax', 'Fax number', 'tel')}
        {field('voice', 'Voice number', 'tel')}
        {field('email', 'Email', 'email')}
        <div className="field">
          <label htmlFor={`${id}-cover`}>Cover page</label>
          <select
            id={`${id}-cover`}
            value={value.coverPolicy}
            onChange={(e) => setValue((v) => ({ ...v, coverPolicy: e.target.value as CoverPolicy }))}
          >
            {COVER_POLICIES.map((p) => (
              <option key={p} value={p}>
                {COVER_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-notes`}>Notes</label>
        <textarea id={`${id}-notes`} rows={2} value={value.notes} onChange={set('notes')} />
      </div>
      {props.groups.length > 0 && (
        <fieldset className="filter-chips">
          <legend>Groups</legend>
          {props.groups.map((g) => (
            <label key={g.id} className={`filter-chip ${value.groupIds.includes(g.id) ? 'on' : ''}`}>
              <input
                type="checkbox"
                checked={value.groupIds.includes(g.id)}
                onChange={(e) =>
                  setValue((v) => ({
                    ...v,
                    groupIds: e.target.checked ? [...v.groupIds, g.id] : v.groupIds.filter((x) => x !== g.id),
                  }))
                }
              />
              {g.name}
            </label>
          ))}
        </fieldset>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary">
          {props.contact ? 'Save' : 'Add contact'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
