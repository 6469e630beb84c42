import { describe, expect, it } from 'vitest';
import { Debouncer, type Clock } from '../../../src/watcher/debounce.js';
import { collapsePaths } from '../../../src/watcher/daemon.js';

/** A clock whose time only moves when the test says so. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let next = 1;
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = end;
    },
  };
}

describe('Debouncer', () => {
  it('fires once after changes settle for debounceMs', () => {
    const clock = fakeClock();
    const fired: number[] = [];
    const d = new Debouncer(() => fired.push(clock.now()), { debounceMs: 1500, maxIntervalMs: 10_000 }, clock);
    d.touch();
    clock.advance(1000);
    d.touch();
    clock.advance(1000);
    expect(fired).toEqual([]);
    clock.advance(600);
    expect(fired).toEqual([2500]);
    clock.advance(10_000);
    expect(fired).toEqual([2500]);
    expect(d.pending).toBe(false);
  });

  it('fires at least every maxIntervalMs while changes keep coming', () => {
    const clock = fakeClock();
    const fired: number[] = [];
    const d = new Debouncer(() => fired.push(clock.now()), { debounceMs: 1500, maxIntervalMs: 5000 }, clock);
    for (let t = 0; t < 12_000; t += 500) {
      d.touch();
      clock.advance(500);
    }
    expect(fired).toEqual([5000, 10_000]);
  });

  it('flush fires now only when something is pending; cancel drops it', () => {
    const clock = fakeClock();
    let count = 0;
    const d = new Debouncer(() => count++, { debounceMs: 100, maxIntervalMs: 100 }, clock);
    d.flush();
    expect(count).toBe(0);
    d.touch();
    d.flush();
    expect(count).toBe(1);
    d.touch();
    d.cancel();
    clock.advance(1000);
    expect(count).toBe(1);
  });
});

describe('collapsePaths', () => {
  it('keeps only the top-most of nested changed paths', () => {
    expect(collapsePaths(['src/a.js', 'src', 'src/lib/b.js', 'srcx/c.js', 'docs/x.md', 'docs/x.md'])).toEqual(['docs/x.md', 'src', 'srcx/c.js']);
  });
});
