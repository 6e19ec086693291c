/** Why a fetch got no answer: fetch's own message is only "fetch failed", and the socket error under it says what happened. */
export function fetchFailure(error: unknown): string {
  const { message, cause } = error as Error & { cause?: { code?: string; message?: string } };
  return `no answer: ${cause ? `${message} (${[cause.code, cause.message].filter(Boolean).join(': ')})` : message}`;
}
