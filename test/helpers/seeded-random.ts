/**
 * The seeded random numbers of the fuzzers and randomized tests (test/fuzz/, watcher/ignore-rules):
 * mulberry32, small, fast, and the same sequence for a seed on every machine, so a failing seed
 * replays. One copy: each fuzzer's fixed seeds keep their cases only while this sequence holds.
 */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    let i = 0;
    while (i < n) {
      let v = (this.next() * 4294967296) >>> 0;
      for (let k = 0; k < 4 && i < n; k++, i++) {
        out[i] = v & 0xff;
        v >>>= 8;
      }
    }
    return out;
  }
}

/** The bare number stream of a seed (each call the next number in [0, 1)). */
export function randomStream(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}
