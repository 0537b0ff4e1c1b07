/**
 * Serialises content-creating requests with a minimum gap between their starts, as GitHub's secondary rate
 * limits ask ("serialise writes with ≥ 1 s between them").
 */
export class WriteSpacer {
  private tail: Promise<void> = Promise.resolve();
  private lastStart = 0;

  constructor(
    private readonly minGapMs: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    const turn = this.tail.then(async () => {
      const wait = this.lastStart + this.minGapMs - Date.now();
      if (wait > 0) await this.sleep(wait);
      this.lastStart = Date.now();
    });
    const result = turn.then(fn);
    // The next write starts only after this one finished (serial), and at least minGapMs after it started.
    this.tail = result.then(
      () => {},
      () => {},
    );
    return result;
  }
}
