/**
 * When to snapshot: once changes have settled for `debounceMs`, and at least every
 * `maxIntervalMs` while they keep coming (a long `npm run build` writing into a watched
 * directory still gets snapshots). Pure timing logic over an injectable clock, so it is tested
 * without sleeping.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class Debouncer {
  private firstAt: number | null = null;
  private lastAt: number | null = null;
  private timer: unknown = null;

  constructor(
    private readonly fire: () => void,
    private readonly settings: { debounceMs: number; maxIntervalMs: number },
    private readonly clock: Clock = realClock,
  ) {}

  /** Something changed now. */
  touch(): void {
    const now = this.clock.now();
    this.firstAt ??= now;
    this.lastAt = now;
    this.arm();
  }

  get pending(): boolean {
    return this.firstAt !== null;
  }

  /** When the next snapshot is due (ms since epoch), or null. */
  dueAt(): number | null {
    if (this.firstAt === null || this.lastAt === null) return null;
    const max = Math.max(this.settings.maxIntervalMs, this.settings.debounceMs);
    return Math.min(this.lastAt + this.settings.debounceMs, this.firstAt + max);
  }

  /** Fire now if anything is pending (shutdown). */
  flush(): void {
    if (this.firstAt === null) return;
    this.reset();
    this.fire();
  }

  cancel(): void {
    this.reset();
  }

  private reset(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.firstAt = null;
    this.lastAt = null;
  }

  private arm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    const due = this.dueAt()!;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (this.firstAt === null) return;
      if (this.clock.now() < this.dueAt()!) {
        this.arm();
        return;
      }
      this.reset();
      this.fire();
    }, Math.max(0, due - this.clock.now()));
  }
}
