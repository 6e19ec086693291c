import type { Cell, CellSample, GpuNode, GpuSample } from '@airan/contracts';
import { isDistinguishedName, type SiteBatch } from '@airan/telemetry-formats';

/** What an operator may call an entity besides its airan id. */
export type IdentifierKind = 'cell' | 'gpu-node';

/** The registry's cells and GPU nodes of one site, indexed by every name an operator may report. */
export interface SiteIdentifiers {
  readonly cellIds: ReadonlySet<string>;
  /** Lower-case NCI → cell id. */
  readonly cellByNci: ReadonlyMap<string, string>;
  /** Distinguished name → cell id. */
  readonly cellByDn: ReadonlyMap<string, string>;
  readonly hostnames: ReadonlySet<string>;
  /** Alias → the node's hostname. */
  readonly hostByAlias: ReadonlyMap<string, string>;
}

export const NO_IDENTIFIERS: SiteIdentifiers = { cellIds: new Set(), cellByNci: new Map(), cellByDn: new Map(), hostnames: new Set(), hostByAlias: new Map() };

/** Indexes one site's registry cells and GPU nodes. On a clash (the api refuses them) the first entity wins. */
export function indexSite(cells: readonly Cell[], nodes: readonly GpuNode[]): SiteIdentifiers {
  const cellIds = new Set<string>();
  const cellByNci = new Map<string, string>();
  const cellByDn = new Map<string, string>();
  for (const cell of cells) {
    cellIds.add(cell.id);
    const nci = cell.nrCellIdentity?.toLowerCase();
    if (nci !== undefined && !cellByNci.has(nci)) cellByNci.set(nci, cell.id);
    if (cell.distinguishedName !== undefined && !cellByDn.has(cell.distinguishedName)) cellByDn.set(cell.distinguishedName, cell.id);
  }
  const hostnames = new Set(nodes.map((n) => n.hostname));
  const hostByAlias = new Map<string, string>();
  for (const node of nodes) for (const alias of node.aliases ?? []) if (!hostnames.has(alias) && !hostByAlias.has(alias)) hostByAlias.set(alias, node.hostname);
  return { cellIds, cellByNci, cellByDn, hostnames, hostByAlias };
}

export type CellResolution = { readonly kind: 'known' | 'renamed' | 'unknown'; readonly cellId: string } | { readonly kind: 'unresolved' };

/**
 * A reported cell name → the airan cell id: a registry cell id of the site stays; an NCI (any case) or a
 * DN of a site's cell becomes that cell's id; any other valid id is kept as `unknown`; a DN no cell
 * carries is `unresolved` (it cannot become an airan id).
 */
export function resolveCell(site: SiteIdentifiers, reported: string): CellResolution {
  if (site.cellIds.has(reported)) return { kind: 'known', cellId: reported };
  const renamed = site.cellByNci.get(reported.toLowerCase()) ?? site.cellByDn.get(reported);
  if (renamed !== undefined) return { kind: 'renamed', cellId: renamed };
  // An airan id never holds `=`, so a DN is never also a valid id.
  return isDistinguishedName(reported) ? { kind: 'unresolved' } : { kind: 'unknown', cellId: reported };
}

/** A reported GPU node name → the hostname load joins on: a hostname stays, an alias becomes its node's hostname. */
export function resolveNode(site: SiteIdentifiers, reported: string): { readonly kind: 'known' | 'renamed' | 'unknown'; readonly node: string } {
  if (site.hostnames.has(reported)) return { kind: 'known', node: reported };
  const host = site.hostByAlias.get(reported);
  return host !== undefined ? { kind: 'renamed', node: host } : { kind: 'unknown', node: reported };
}

export interface UnknownIdentifier {
  readonly siteId: string;
  readonly kind: IdentifierKind;
  readonly identifier: string;
}

export interface UnresolvedCellSample {
  readonly siteId: string;
  readonly sample: CellSample;
}

export interface ResolvedBatches {
  /** The batches with every cell and node named as airan names them; unresolved cell samples removed. */
  readonly sites: SiteBatch[];
  /** Distinct names that resolve to nothing, per site: kept as reported. */
  readonly unknown: UnknownIdentifier[];
  /** Cell samples named by a DN no cell of their site carries: to be rejected. */
  readonly unresolved: UnresolvedCellSample[];
}

/** Resolves every cell and GPU node name of the parsed batches against their site's registry entries. */
export function resolveIdentifiers(batches: readonly SiteBatch[], identifiersOf: (siteId: string) => SiteIdentifiers): ResolvedBatches {
  const unknown = new Map<string, UnknownIdentifier>();
  const unresolved: UnresolvedCellSample[] = [];
  const note = (siteId: string, kind: IdentifierKind, identifier: string) => unknown.set(`${siteId}\u0000${kind}\u0000${identifier}`, { siteId, kind, identifier });
  const sites = batches.map((batch) => {
    const site = identifiersOf(batch.siteId);
    const cells: CellSample[] = [];
    for (const sample of batch.cells) {
      const resolved = resolveCell(site, sample.cellId);
      if (resolved.kind === 'unresolved') unresolved.push({ siteId: batch.siteId, sample });
      else {
        if (resolved.kind === 'unknown') note(batch.siteId, 'cell', sample.cellId);
        cells.push(resolved.kind === 'renamed' ? { ...sample, cellId: resolved.cellId } : sample);
      }
    }
    const gpus: GpuSample[] = batch.gpus.map((sample) => {
      const resolved = resolveNode(site, sample.node);
      if (resolved.kind === 'unknown') note(batch.siteId, 'gpu-node', sample.node);
      return resolved.kind === 'renamed' ? { ...sample, node: resolved.node } : sample;
    });
    return { ...batch, cells, gpus };
  });
  // A site whose every sample was unresolved has nothing left to report.
  const holdsAny = (s: SiteBatch) => s.cells.length + s.gpus.length + s.heartbeats.length > 0;
  const reported = sites.filter((s, i) => holdsAny(s) || !holdsAny(batches[i]));
  return { sites: reported, unknown: [...unknown.values()], unresolved };
}
