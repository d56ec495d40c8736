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

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
