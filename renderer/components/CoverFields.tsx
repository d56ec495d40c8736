import {
  COVER_CHECKS,
  COVER_CHECK_LABELS,
  COVER_FIELDS,
  type CoverCheck,
  type CoverRequest,
  type CoverTemplateView,
} from '../../shared/cover';
import { href } from '../lib/route';

/** What a template asks Send for: the subject and note boxes, and which ticks it can print. */
function asks(template: CoverTemplateView | undefined): { subject: boolean; note: boolean; checks: readonly CoverCheck[] } {
  if (!template) return { subject: false, note: false, checks: [] };
  if (template.builtIn) {
    const text = template.name !== 'plain';
    return { subject: text, note: text, checks: template.name === 'checkboxes' ? COVER_CHECKS : [] };
  }
  return {
    subject: template.fields.includes('subject'),
    note: template.fields.includes('note'),
    checks: COVER_CHECKS.filter((check) => template.fields.includes(check)),
  };
}

/** Cover page choice in Send: template (built in or imported), subject, note and the ticks it prints. */
export function CoverFields(props: {
  value: CoverRequest | null;
  onChange: (value: CoverRequest | null) => void;
  senderMissing: boolean;
  templates: CoverTemplateView[];
}) {
  const { value, onChange, templates } = props;
  const chosen = templates.find((t) => t.name === value?.template);
  const wants = asks(chosen);
  const imported = templates.filter((t) => !t.builtIn);
  return (
    <div className="field cover-fields">
      <label htmlFor="cover-template">Cover page</label>
      <select
        id="cover-template"
        value={value?.template ?? ''}
        onChange={(e) => onChange(e.target.value ? { ...value, template: e.target.value } : null)}
      >
        <option value="">No cover page (unless the contact always wants one)</option>
        {templates
          .filter((t) => t.builtIn)
          .map((t) => (
            <option key={t.name} value={t.name}>
              {t.label}
            </option>
          ))}
        {imported.length > 0 && (
          <optgroup label="Imported by your admin">
            {imported.map((t) => (
              <option key={t.name} value={t.name}>
                {t.label}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      {value && (
        <>
          {props.senderMissing && (
            <p className="warn-text small">
              The sender profile is empty, so the From block will be blank. <a href={href('settings')}>Fill it in under Settings</a>.
            </p>
          )}
          {chosen && !chosen.builtIn && (
            <p className="field-help" data-testid="cover-template-fields">
              This template fills in:{' '}
              {chosen.fields
                .map((f) =>
                  f in COVER_FIELDS ? COVER_FIELDS[f as keyof typeof COVER_FIELDS] : `the “${COVER_CHECK_LABELS[f as CoverCheck]}” tick`,
                )
                .join(', ')}
              .
            </p>
          )}
          {wants.subject && (
            <>
              <label htmlFor="cover-subject">Subject</label>
              <input
                id="cover-subject"
                maxLength={200}
                value={value.subject ?? ''}
                onChange={(e) => onChange({ ...value, subject: e.target.value })}
              />
            </>
          )}
          {wants.note && (
            <>
              <label htmlFor="cover-note">Note</label>
              <textarea
                id="cover-note"
                rows={3}
                maxLength={4000}
                value={value.note ?? ''}
                onChange={(e) => onChange({ ...value, note: e.target.value })}
              />
            </>
          )}
          {wants.checks.length > 0 && (
            <fieldset className="filter-chips">
              <legend className="small">Tick on the cover</legend>
              {wants.checks.map((check) => {
                const on = value.checks?.includes(check) ?? false;
                return (
                  <label key={check} className={`filter-chip ${on ? 'on' : ''}`}>
                    <input
                      type="checkbox"
                      checked={on}
                      onChange={() =>
                        onChange({
                          ...value,
                          checks: on ? (value.checks ?? []).filter((c) => c !== check) : [...(value.checks ?? []), check],
                        })
                      }
                    />
                    {COVER_CHECK_LABELS[check]}
                  </label>
                );
              })}
            </fieldset>
          )}
        </>
      )}
    </div>
  );
}
