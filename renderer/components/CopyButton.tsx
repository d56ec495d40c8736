import { useState } from 'react';
import { Icon } from './Icon';

/** Copies text and says so; if the clipboard is refused it says that too, rather than failing silently. */
export function CopyButton({ text, label = 'Copy', compact = false }: { text: string; label?: string; compact?: boolean }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  }
  const shown = state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed — select and copy' : label;
  return (
    <button
      type="button"
      className={compact ? 'icon' : undefined}
      onClick={() => void copy()}
      aria-label={compact ? label : undefined}
      aria-live="polite"
    >
      {compact ? state === 'copied' ? '✓' : <Icon name="copy" size={16} /> : shown}
    </button>
  );
}
