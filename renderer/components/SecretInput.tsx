import { useId } from 'react';
import type { SecretStatus } from '../../shared/types';

/**
 * Write-only secret entry: the UI can set a secret but only ever learns whether one is
 * configured, so the field starts empty and "leave empty to keep" is the normal case.
 */
export function SecretInput(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  status: SecretStatus | undefined;
  hint?: string;
}) {
  const id = useId();
  const configured = props.status?.configured ?? false;
  const fromEnv = props.status?.source === 'env';
  return (
    <div className="field">
      <label htmlFor={id}>
        {props.label}{' '}
        <span className={`secret-state ${configured ? 'is-set' : ''}`}>
          {fromEnv ? '(set by environment)' : configured ? '(saved ✓)' : '(not set)'}
        </span>
      </label>
      <input
        id={id}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        disabled={fromEnv}
        value={props.value}
        placeholder={configured ? 'Saved — leave empty to keep' : ''}
        onChange={(e) => props.onChange(e.target.value)}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
      />
      {props.hint && (
        <p id={`${id}-hint`} className="field-help">
          {props.hint}
        </p>
      )}
    </div>
  );
}
