/**
 * A count of something held (bytes in flight, requests open) that may not pass `limit`: `take`
 * waits, first come first served, until what it asks for fits. A request larger than the limit is
 * let through when nothing else is held, so one oversized job is slow rather than stuck.
 */
export class ByteBudget {
  private held = 0;
  private readonly waiting: { amount: number; go: () => void }[] = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.held;
  }

  async take(amount: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(amount)) {
      this.held += amount;
      return;
    }
    await new Promise<void>((go) => this.waiting.push({ amount, go }));
  }

  give(amount: number): void {
    this.held -= amount;
    for (let next = this.waiting[0]; next && this.fits(next.amount); next = this.waiting[0]) {
      this.waiting.shift();
      this.held += next.amount;
      next.go();
    }
  }

  private fits(amount: number): boolean {
    return this.held === 0 || this.held + amount <= this.limit;
  }
}
