import { useId, type ReactNode } from 'react';

export type FieldValue = string | number | boolean;

export interface FieldSpec {
  label: string;
  kind: 'text' | 'url' | 'number' | 'select' | 'checkbox';
  options?: { value: string; label: string }[];
  hint?: string;
}

/** One labelled settings input (text, number, select or checkbox) with its hint. */
export function FieldInput(props: {
  spec: FieldSpec;
  value: FieldValue | undefined;
  onChange: (value: FieldValue) => void;
  disabled?: boolean;
  note?: ReactNode;
}) {
  const id = useId();
  const { spec, value, disabled } = props;
  const hint = spec.hint ? (
    <p id={`${id}-hint`} className="field-help">
      {spec.hint}
    </p>
  ) : null;
  if (spec.kind === 'checkbox') {
    return (
      <div className="field">
        <label className="check-inline">
          <input type="checkbox" checked={Boolean(value)} disabled={disabled} onChange={(e) => props.onChange(e.target.checked)} />{' '}
          {spec.label}
          {props.note}
        </label>
        {hint}
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {spec.label}
        {props.note}
      </label>
      {spec.kind === 'select' ? (
        <select
          id={id}
          value={String(value ?? '')}
          disabled={disabled}
          onChange={(e) => props.onChange(e.target.value)}
          aria-describedby={spec.hint ? `${id}-hint` : undefined}
        >
          {spec.options?.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          type={spec.kind}
          value={String(value ?? '')}
          disabled={disabled}
          onChange={(e) => props.onChange(spec.kind === 'number' ? Number(e.target.value) : e.target.value)}
          aria-describedby={spec.hint ? `${id}-hint` : undefined}
        />
      )}
      {hint}
    </div>
  );
}
