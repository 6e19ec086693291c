import { FeatureError } from '@airan/errors';
/** Error codes of authentication and authorisation, mapped per transport (see @airan/http). */
export type AuthErrorCode = 'MISSING_CREDENTIALS' | 'INVALID_CREDENTIALS' | 'FORBIDDEN';

export class AuthError extends FeatureError<AuthErrorCode> {
  readonly feature = 'auth';
}
