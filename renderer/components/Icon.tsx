/** Inline SVG icons: symbol fonts are not installed everywhere (Debian shows boxes for ⎙ and ⧉). */
const PATHS = {
  fax: 'M7 3h8l3 3v4H7zM5 10h14a2 2 0 0 1 2 2v6h-3v3H6v-3H3v-6a2 2 0 0 1 2-2zm3 6v3h8v-3zm9-3.5a1 1 0 1 0 0 .01z',
  copy: 'M9 3h10a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2h-2v-2h2V5H9v2H7V5a2 2 0 0 1 2-2zM5 7h10a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2zm0 2v10h10V9z',
} as const;

export function Icon({ name, size = 18 }: { name: keyof typeof PATHS; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fillRule="evenodd" />
    </svg>
  );
}
