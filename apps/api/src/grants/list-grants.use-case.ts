import { Injectable } from '@nestjs/common';
import type { Principal } from '@airan/auth';
import { Clock } from '@airan/system';
import type { z } from 'zod';
import { isGrantActive, redactedFieldsOf } from '@airan/share-model';
import { GrantRepository } from './grant.repository';
import { GrantsError } from './grants.errors';
import type { grantViewSchema } from './grants.openapi';

export type GrantView = z.output<typeof grantViewSchema>;

/** `GET /v1/grants`: a partner's own grants, or (ops, admin) every partner's, with what each means now. */
@Injectable()
export class ListGrantsUseCase {
  constructor(
    private readonly grants: GrantRepository,
    private readonly clock: Clock,
  ) {}

  async execute(principal: Principal, filter: { partner?: string; active?: boolean }): Promise<GrantView[]> {
    if (principal.role === 'partner' && filter.partner !== undefined && filter.partner !== principal.subject) {
      throw new GrantsError('PARTNER_NOT_PERMITTED', `a partner key reads only its own grants (${principal.subject})`, [{ path: 'query.partner', code: 'NOT_PERMITTED', message: `not ${principal.subject}` }]);
    }
    const partner = principal.role === 'partner' ? principal.subject : filter.partner;
    const now = this.clock.now();
    return (await this.grants.list(partner))
      .map(({ grant, version, updatedAt }) => ({ grant, version, updatedAt, active: isGrantActive(grant, now), redacted: redactedFieldsOf(grant) }))
      .filter((view) => filter.active === undefined || view.active === filter.active);
  }
}
