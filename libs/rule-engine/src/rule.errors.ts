/**
 * A rule fragment that does not parse (a matcher, a regex). The message names no path: whoever parses a
 * whole rule knows where the fragment was and reports it there.
 */
export class RuleFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleFormatError';
  }
}
