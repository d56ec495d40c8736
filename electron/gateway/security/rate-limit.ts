/**
 * Fixed one-minute windows per key and route bucket (Faxbot's model), but the 429 carries
 * Retry-After, and memory is bounded because only the current window is kept.
 */
export class RateLimiter {
  private window = -1;
  private counts = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** True when `key` has already used its budget in this window (does not count as a hit). */
  exceeded(key: string, limitPerMinute: number): boolean {
    if (limitPerMinute <= 0) return false;
    return Math.floor(this.now() / 60_000) === this.window && (this.counts.get(key) ?? 0) >= limitPerMinute;
  }

  check(key: string, limitPerMinute: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    if (limitPerMinute <= 0) return { allowed: true };
    const nowMs = this.now();
    const window = Math.floor(nowMs / 60_000);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count <= limitPerMinute) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * 60_000 - nowMs) / 1000)) };
  }
}
