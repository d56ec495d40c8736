const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** Today's items show only the time; older ones show the date too. */
export function formatWhen(iso: string | null, now: number = Date.now()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return sameDay ? timeOnly.format(date) : dateTime.format(date);
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : timeOnly.format(date);
}

const dayLong = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const DAY_MS = 24 * 60 * 60_000;

/** The calendar day of a time (local), as a key and in words: "Today", "Yesterday", "Monday, 6 January 2025". */
export function dayOf(iso: string, now: number = Date.now()): { key: string; label: string } {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return { key: 'unknown', label: 'Unknown date' };
  const key = date.toDateString();
  if (key === new Date(now).toDateString()) return { key, label: 'Today' };
  if (key === new Date(now - DAY_MS).toDateString()) return { key, label: 'Yesterday' };
  return { key, label: dayLong.format(date) };
}

export function formatFull(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : dateTime.format(date);
}

const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** With seconds: for a job's detail and timeline, where events seconds apart must read apart. */
export function formatPrecise(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : dateTimeSeconds.format(date);
}

const regionNames = new Intl.DisplayNames(undefined, { type: 'region' });

export function countryName(code: string | null): string {
  if (!code) return 'Unknown country';
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** The gateway's number reasons start with Faxbot's field name ('to'); people read "The number". */
export function numberReason(reason: string): string {
  const sentence = reason.replace(/^'to'/, 'The number');
  return sentence.endsWith('.') ? sentence : `${sentence}.`;
}

/** Anything but digits, spaces, + and the usual separators: flagged as typed, not after leaving the field. */
export function hasStrayCharacters(typed: string): boolean {
  return /[^\d\s+().\-\u00a0\u2010-\u2015]/.test(typed);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
