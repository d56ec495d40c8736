import { useEffect, useState } from 'react';

export const PAGES = ['send', 'jobs', 'inbox', 'contacts', 'setup', 'settings', 'keys', 'diagnostics', 'logs'] as const;
export type PageName = (typeof PAGES)[number];

export interface Route {
  page: PageName;
  /** The selected item (job or inbound fax) when the hash has one. */
  id: string | null;
}

/** Hash routes work the same under http:// (browser mode) and Electron's app:// protocol. */
export function parseRoute(hash: string): Route {
  const [first = '', second] = hash.replace(/^#\/?/, '').split('/');
  const page = (PAGES as readonly string[]).includes(first) ? (first as PageName) : 'send';
  return { page, id: second ? decodeURIComponent(second) : null };
}

export function href(page: PageName, id?: string | null): string {
  return id ? `#/${page}/${encodeURIComponent(id)}` : `#/${page}`;
}

export function navigate(page: PageName, id?: string | null): void {
  window.location.hash = href(page, id);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
