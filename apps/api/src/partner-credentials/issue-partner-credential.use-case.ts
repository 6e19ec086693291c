import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { Principal } from '@airan/auth';
import { partnerGroupPrefix, shareTopicPrefix } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import { PartnerAccessAdmin, type PartnerReach } from '@airan/kafka';
import type { ApiConfig } from '../api.config';
import { RegistryRepository } from '../registry/registry.repository';
import { PartnerCredentialRepository } from './partner-credential.repository';
import { PartnerCredentialsError } from './partner-credentials.errors';
import type { issuedPartnerCredentialSchema } from './partner-credentials.openapi';

export type IssuedPartnerCredential = z.output<typeof issuedPartnerCredentialSchema>;

/** A partner's topics and groups as this deployment names them (its topic prefix first). */
export function partnerReachOf(deploymentPrefix: string, partnerId: string): PartnerReach {
  return { topicPrefix: `${deploymentPrefix}${shareTopicPrefix(partnerId)}`, groupPrefix: `${deploymentPrefix}${partnerGroupPrefix(partnerId)}` };
}

/**
 * Issues a partner a Kafka credential of its own: recorded (without the password) in the same transaction
 * that waits for the broker to take the SCRAM credential and the ACLs, so a credential the broker refused
 * is never listed, and one listed is on the broker. The password is answered once and kept nowhere.
 */
@Injectable()
export class IssuePartnerCredentialUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: Pick<ServiceInfra<ApiConfig>, 'dataSource' | 'config' | 'logger'>,
    private readonly credentials: PartnerCredentialRepository,
    private readonly registry: RegistryRepository,
    private readonly access: PartnerAccessAdmin,
  ) {}

  async execute(principal: Principal, partnerId: string): Promise<IssuedPartnerCredential> {
    const { config } = this.infra;
    return this.infra.dataSource.transaction(async (tx) => {
      if (!(await this.registry.get(tx, 'partner', partnerId))) throw new PartnerCredentialsError('PARTNER_NOT_FOUND', `no partner "${partnerId}" in the registry`, [{ path: 'params.partnerId', code: 'NOT_FOUND', message: 'no such partner' }]);
      const id = randomBytes(6).toString('hex');
      const password = randomBytes(24).toString('base64url');
      const record = await this.credentials.insert(tx, { id, partnerId, username: `${partnerId}.${id}`, createdBy: principal.keyId });
      const reach = partnerReachOf(config.KAFKA_TOPIC_PREFIX, partnerId);
      try {
        await this.access.grant(record.username, password, reach);
      } catch (error) {
        // Half-made (credential without ACLs): taken back, so nothing the answer does not list stays on the broker.
        await this.access.revoke(record.username).catch(() => undefined);
        this.infra.logger.error({ err: (error as Error).message, partnerId, credentialId: id }, 'partner credential not issued: the broker refused it');
        throw new PartnerCredentialsError('BROKER_UNAVAILABLE', 'the broker did not take the credential; nothing was issued');
      }
      return {
        ...record,
        password,
        bootstrapServers: config.API_PARTNER_KAFKA_BOOTSTRAP ?? config.KAFKA_BROKERS.join(','),
        securityProtocol: 'SASL_PLAINTEXT' as const,
        saslMechanism: 'SCRAM-SHA-512' as const,
        ...reach,
      };
    });
  }
}
