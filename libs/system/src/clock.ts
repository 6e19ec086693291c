/**
 * The wall clock as a provider: use cases ask it for the time instead of calling `Date.now()`, so a
 * test can hand them a fixed or stepping clock. Event time never comes from here: it comes from data.
 */
export class Clock {
  now(): number {
    return Date.now();
  }
}
