import { registryEntities } from './api-client';

export type { GpuNode, Operator, Pilot, Site } from '../../../../../libs/contracts/src/registry';
import type { Operator, Pilot, Site } from '../../../../../libs/contracts/src/registry';

export interface Registry {
  readonly operators: readonly Operator[];
  readonly pilots: readonly Pilot[];
  readonly sites: readonly Site[];
}

let cached: { at: number; registry: Promise<Registry> } | undefined;
const REGISTRY_TTL_MS = 60_000;

/** Operators, pilots and sites, shared by the views and refreshed at most once a minute. */
export function loadRegistry(): Promise<Registry> {
  if (!cached || Date.now() - cached.at > REGISTRY_TTL_MS) {
    const registry = Promise.all([registryEntities<Operator>('operator'), registryEntities<Pilot>('pilot'), registryEntities<Site>('site')]).then(([operators, pilots, sites]) => ({ operators, pilots, sites }));
    cached = { at: Date.now(), registry };
    registry.catch(() => (cached = undefined));
  }
  return cached.registry;
}
