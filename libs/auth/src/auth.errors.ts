/** Error codes of authentication and authorisation, mapped per transport (see @airan/http). */
export type AuthErrorCode = 'MISSING_CREDENTIALS' | 'INVALID_CREDENTIALS' | 'FORBIDDEN';

export class AuthError extends Error {
  readonly feature = 'auth';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
