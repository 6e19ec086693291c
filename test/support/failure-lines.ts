/** Log lines that report a failure of the service itself: pino's error or fatal level, or an unhandled error. */
export function failureLines(logs: string): string[] {
  return logs.split('\n').filter((line) => {
    if (/unhandled|uncaught/i.test(line)) return true;
    try {
      const { level } = JSON.parse(line) as { level?: unknown };
      return level === 'error' || level === 'fatal' || (typeof level === 'number' && level >= 50);
    } catch {
      return false;
    }
  });
}
