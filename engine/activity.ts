/**
 * Counts activities in flight (task handlers, and whatever a caller wraps) so
 * the virtual clock only moves when nothing is still working in real time:
 * real I/O does not finish inside a microtask flush, and advancing past it
 * would let a Task timeout or Wait fire "before" the activity answered.
 * So an activity must not itself wait on a virtual timer: the clock would
 * never reach it (the virtual-time loop reports that as a stall).
 */
export class ActivityTracker {
  private readonly active = new Map<number, string>();
  private nextId = 0;
  private waiters: Array<() => void> = [];

  get inFlight(): number {
    return this.active.size;
  }

  /** Labels of the activities in flight, for stall reports. */
  labels(): string[] {
    return [...this.active.values()];
  }

  async track<T>(label: string, work: () => Promise<T> | T): Promise<T> {
    const id = this.begin(label);
    try {
      return await work();
    } finally {
      this.end(id);
    }
  }

  /** Resolves when nothing is in flight. */
  idle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private begin(label: string): number {
    const id = this.nextId++;
    this.active.set(id, label);
    return id;
  }

  private end(id: number): void {
    this.active.delete(id);
    if (this.active.size === 0 && this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((w) => w());
    }
  }
}
