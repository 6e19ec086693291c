import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type PartnerCredentialsErrorCode = 'PARTNER_NOT_FOUND' | 'CREDENTIAL_NOT_FOUND' | 'PARTNER_NOT_PERMITTED' | 'BROKER_UNAVAILABLE';

export class PartnerCredentialsError extends FeatureError<PartnerCredentialsErrorCode> {
  readonly feature = 'partner-credentials';
}

export const PARTNER_CREDENTIALS_HTTP_STATUS = {
  /** No partner of that id in the registry. */
  PARTNER_NOT_FOUND: HttpStatus.NOT_FOUND,
  /** No credential of that id for that partner that is not revoked already. */
  CREDENTIAL_NOT_FOUND: HttpStatus.NOT_FOUND,
  /** A partner key named another partner. */
  PARTNER_NOT_PERMITTED: HttpStatus.FORBIDDEN,
  /** The broker did not take the credential or its ACLs: nothing was issued or revoked; try again. */
  BROKER_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
} as const satisfies Record<PartnerCredentialsErrorCode, HttpStatus>;
