/** Real time plus an offset that tests move forward, so 30-minute token lifetimes and long runs pass in ms. */
export class Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
  iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }
}
