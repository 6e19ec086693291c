import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@airan/auth';
import { INFRA, type ServiceInfra } from '@airan/http';
import { PartnerAccessAdmin } from '@airan/kafka';
import { PartnerCredentialRepository } from './partner-credential.repository';
import { PartnerCredentialsError } from './partner-credentials.errors';

/**
 * Revokes a partner's Kafka credential: marked revoked in the same transaction that waits for the broker to
 * delete its ACLs and SCRAM credential, so a revocation the broker did not take stays undone (503) and can
 * be repeated; the broker side is idempotent.
 */
@Injectable()
export class RevokePartnerCredentialUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: Pick<ServiceInfra, 'dataSource' | 'logger'>,
    private readonly credentials: PartnerCredentialRepository,
    private readonly access: PartnerAccessAdmin,
  ) {}

  async execute(principal: Principal, partnerId: string, id: string): Promise<void> {
    await this.infra.dataSource.transaction(async (tx) => {
      const revoked = await this.credentials.revoke(tx, partnerId, id, principal.keyId);
      if (!revoked) throw new PartnerCredentialsError('CREDENTIAL_NOT_FOUND', `partner "${partnerId}" has no credential "${id}" in force`);
      try {
        await this.access.revoke(revoked.username);
      } catch (error) {
        this.infra.logger.error({ err: (error as Error).message, partnerId, credentialId: id }, 'partner credential not revoked: the broker refused it');
        throw new PartnerCredentialsError('BROKER_UNAVAILABLE', 'the broker did not take the revocation; the credential is still in force');
      }
    });
  }
}
