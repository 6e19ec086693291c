import { ALWAYS_REDACTED, type Grant, type ShareProduct, redactableFields } from '@airan/contracts';

/** Whether a grant is in force at `now` (ms): from validFrom, until validUntil (exclusive), when it has one. */
export function isGrantActive(grant: Grant, now: number): boolean {
  return Date.parse(grant.validFrom) <= now && (grant.validUntil === undefined || now < Date.parse(grant.validUntil));
}

/** Every field the partner does not receive, per granted product: those always redacted, and the grant's own that the product carries. */
export function redactedFieldsOf(grant: Grant): Partial<Record<ShareProduct, string[]>> {
  return Object.fromEntries(
    grant.products.map((product) => {
      const carried = new Set(redactableFields(product));
      return [product, [...ALWAYS_REDACTED[product], ...grant.redact.filter((field) => carried.has(field))].sort()];
    }),
  );
}
