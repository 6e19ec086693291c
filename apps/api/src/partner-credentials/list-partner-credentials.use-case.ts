import { Injectable } from '@nestjs/common';
import type { Principal } from '@airan/auth';
import { type PartnerCredentialRecord, PartnerCredentialRepository } from './partner-credential.repository';
import { PartnerCredentialsError } from './partner-credentials.errors';

/** A partner's Kafka credentials: an admin lists anyone's, a partner key its own. */
@Injectable()
export class ListPartnerCredentialsUseCase {
  constructor(private readonly credentials: PartnerCredentialRepository) {}

  async execute(principal: Principal, partnerId: string): Promise<PartnerCredentialRecord[]> {
    if (principal.role === 'partner' && principal.subject !== partnerId) {
      throw new PartnerCredentialsError('PARTNER_NOT_PERMITTED', `a partner key lists only its own credentials (${principal.subject})`, [{ path: 'params.partnerId', code: 'NOT_PERMITTED', message: `not ${principal.subject}` }]);
    }
    return this.credentials.list(partnerId);
  }
}
