import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, type Kafka, ResourcePatternTypes } from 'kafkajs';
import { ScramCredentialsAdmin } from './scram.admin';

/** What one partner principal may reach: its topics and its consumer groups, both by prefix. */
export interface PartnerReach {
  readonly topicPrefix: string;
  readonly groupPrefix: string;
}

/**
 * A research partner's principal on the broker: a SCRAM credential (the password is never stored by
 * airan, only salted by the broker) and ACLs that allow READ and DESCRIBE on its own topics and consumer
 * groups and nothing else (the broker denies what no ACL allows). Revoking deletes both: new connections
 * fail to authenticate, and open ones lose every right at once and their session at re-authentication.
 */
export class PartnerAccessAdmin {
  private readonly scram: ScramCredentialsAdmin;

  constructor(private readonly kafka: Kafka) {
    this.scram = new ScramCredentialsAdmin(kafka);
  }

  async grant(username: string, password: string, reach: PartnerReach): Promise<void> {
    await this.scram.upsert(username, password);
    await this.withAdmin((admin) => admin.createAcls({ acl: aclsOf(username, reach) }));
  }

  /** Idempotent: a credential or ACL already gone is not an error, so a failed revocation can be repeated. */
  async revoke(username: string): Promise<void> {
    await this.withAdmin((admin) =>
      admin.deleteAcls({
        filters: [{ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, principal: principalOf(username), host: '*', operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }],
      }),
    );
    await this.scram.delete(username);
  }

  private async withAdmin<T>(work: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }
}

export function principalOf(username: string): string {
  return `User:${username}`;
}

/** READ and DESCRIBE on the partner's topic prefix and group prefix: no write, no create, nothing else. */
export function aclsOf(username: string, reach: PartnerReach) {
  const resources = [
    { resourceType: AclResourceTypes.TOPIC, resourceName: reach.topicPrefix },
    { resourceType: AclResourceTypes.GROUP, resourceName: reach.groupPrefix },
  ];
  return resources.flatMap((resource) =>
    [AclOperationTypes.READ, AclOperationTypes.DESCRIBE].map((operation) => ({
      ...resource,
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal: principalOf(username),
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}
