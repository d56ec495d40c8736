/** The phone book name beside a number, when the number is in the phone book. */
export function ContactName({ number, names }: { number: string | null | undefined; names: Record<string, string> }) {
  const name = number ? names[number] : undefined;
  if (!name) return null;
  return (
    <span className="contact-name" data-testid="contact-name">
      {name}
    </span>
  );
}
