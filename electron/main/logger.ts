export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Error class names only: messages can carry paths, numbers or provider text. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
