import { Injectable } from '@nestjs/common';
import type { Principal } from '@airan/auth';
import { RegistryCache } from '@airan/kafka';
import { IdentifiersError } from './identifiers.errors';
import { type UnknownIdentifierRow, UnknownIdentifierRepository } from './unknown-identifier.repository';

/** Most rows one answer lists (newest first). */
export const UNKNOWN_IDENTIFIERS_LIMIT = 1000;

/** `GET /v1/sites/:siteId/unknown-identifiers`: what a site of the key's operator reports that the registry does not know. */
@Injectable()
export class ListUnknownIdentifiersUseCase {
  constructor(
    private readonly registry: RegistryCache,
    private readonly unknown: UnknownIdentifierRepository,
  ) {}

  async execute(principal: Principal, siteId: string): Promise<{ siteId: string; identifiers: UnknownIdentifierRow[] }> {
    const site = this.registry.get('site', siteId);
    if (!site) throw new IdentifiersError('SITE_NOT_FOUND', `site "${siteId}" is not in the pilot registry`);
    if (site.operatorId !== principal.subject) throw new IdentifiersError('SITE_NOT_OWNED', `site "${siteId}" belongs to another operator`);
    return { siteId, identifiers: await this.unknown.listForSite(siteId, UNKNOWN_IDENTIFIERS_LIMIT) };
  }
}
