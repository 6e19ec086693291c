import type { RegistryType } from '@airan/contracts';

/** A body field of one entity type that names an entity of another. */
export interface Reference {
  readonly field: string;
  readonly target: RegistryType;
}

/** Every reference in the registry: checked on write, and guarding deletion of the target. */
export const REFERENCES: Readonly<Partial<Record<RegistryType, readonly Reference[]>>> = {
  pilot: [
    { field: 'operatorId', target: 'operator' },
    { field: 'partnerIds', target: 'partner' },
  ],
  site: [
    { field: 'operatorId', target: 'operator' },
    { field: 'pilotId', target: 'pilot' },
  ],
  'gpu-node': [{ field: 'siteId', target: 'site' }],
  cell: [
    { field: 'siteId', target: 'site' },
    { field: 'gpuNodeId', target: 'gpu-node' },
  ],
  grant: [
    { field: 'partnerId', target: 'partner' },
    { field: 'operatorIds', target: 'operator' },
    { field: 'pilotIds', target: 'pilot' },
    { field: 'siteIds', target: 'site' },
  ],
  'operator-key': [{ field: 'operatorId', target: 'operator' }],
};

/** The (type, field) pairs that point at `target`. */
export function referrersOf(target: RegistryType): Array<{ type: RegistryType; field: string }> {
  return Object.entries(REFERENCES).flatMap(([type, refs]) =>
    (refs ?? []).filter((r) => r.target === target).map((r) => ({ type: type as RegistryType, field: r.field })),
  );
}
