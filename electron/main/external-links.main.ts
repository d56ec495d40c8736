import { isAllowedExternalUrl } from './app-url';
import type { ShellLike } from './electron-api';
import type { Logger } from './logger';

/** Which outside URLs the app may open in the system browser: the allow-list plus the running gateway. */
export class ExternalLinks {
  private allowed: string[] = [];

  constructor(
    private readonly shell: ShellLike,
    private readonly log: Logger,
  ) {}

  allowOrigin(origin: string): void {
    this.allowed = [...this.allowed, origin];
  }

  origins(): string[] {
    return this.allowed;
  }

  open(url: string): void {
    if (isAllowedExternalUrl(url, this.allowed))
      void this.shell.openExternal(url).catch(() => this.log.warn('[shell] openExternal failed'));
    else this.log.warn('[security] refused openExternal');
  }
}
