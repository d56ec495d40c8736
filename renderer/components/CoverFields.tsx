import { COVER_CHECKS, COVER_CHECK_LABELS, COVER_LABELS, COVER_TEMPLATES, type CoverRequest, type CoverTemplate } from '../../shared/cover';
import { href } from '../lib/route';

/** Cover page choice in Send: template, subject, note and (for that template) the checkboxes. */
export function CoverFields(props: { value: CoverRequest | null; onChange: (value: CoverRequest | null) => void; senderMissing: boolean }) {
  const { value, onChange } = props;
  return (
    <div className="field cover-fields">
      <label htmlFor="cover-template">Cover page</label>
      <select
        id="cover-template"
        value={value?.template ?? ''}
        onChange={(e) => onChange(e.target.value ? { ...value, template: e.target.value as CoverTemplate } : null)}
      >
        <option value="">No cover page (unless the contact always wants one)</option>
        {COVER_TEMPLATES.map((t) => (
          <option key={t} value={t}>
            {COVER_LABELS[t]}
          </option>
        ))}
      </select>
      {value && (
        <>
          {props.senderMissing && (
            <p className="warn-text small">
              The sender profile is empty, so the From block will be blank. <a href={href('settings')}>Fill it in under Settings</a>.
            </p>
          )}
          {value.template !== 'plain' && (
            <>
              <label htmlFor="cover-subject">Subject</label>
              <input
                id="cover-subject"
                maxLength={200}
                value={value.subject ?? ''}
                onChange={(e) => onChange({ ...value, subject: e.target.value })}
              />
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
          {value.template === 'checkboxes' && (
            <fieldset className="filter-chips">
              <legend className="small">Tick on the cover</legend>
              {COVER_CHECKS.map((check) => {
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
