import { CELL_FIELDS, type CellSample, GPU_FIELDS, type GpuSample } from '@airan/contracts';
import { type CanonicalField, derivePrbPercent } from './metric-dictionary';
import type { RecordError } from './record-error';
import type { SiteBatch } from './site-batch';

export interface CellTarget {
  readonly kind: 'cell';
  readonly cellId: string;
  readonly intervalMs: number;
  /** Where the interval came from, for a CONFLICTING_VALUE error. */
  readonly intervalPath: string;
}

export interface GpuTarget {
  readonly kind: 'gpu';
  readonly node: string;
  readonly device: string;
}

/**
 * One value for one field of one sample. `slot` is a canonical field, or for a PRB count half
 * `<field>.used` / `<field>.available` (resolved into the field by `resolvePrbParts`).
 */
export interface Contribution {
  readonly siteId: string;
  readonly target: CellTarget | GpuTarget;
  readonly ts: number;
  readonly slot: string;
  readonly value: number;
  readonly priority: number;
  /** External metric name, for messages. */
  readonly metric: string;
  /** JSON path (or `line <n>`) of the value, for errors. */
  readonly path: string;
  /** PRB count halves: the name of the other half, for messages. */
  readonly counterpart?: string;
}

interface Slot {
  readonly value: number;
  readonly priority: number;
  readonly metric: string;
  readonly path: string;
  readonly index: number;
  readonly counterpart?: string;
}

interface Draft {
  readonly siteId: string;
  readonly target: CellTarget | GpuTarget;
  readonly ts: number;
  readonly slots: Map<string, Slot>;
  readonly index: number;
}

/**
 * Collects samples by identity — (site, cell, ts) or (site, node, device, ts) — so that values of the
 * same sample arriving in several records merge into one `CellSample`/`GpuSample`. Rules per field:
 * the lower priority number wins; the same priority with a different value is CONFLICTING_VALUE for the
 * later record; an equal value is a harmless repeat. A cell's `intervalMs` must agree too.
 */
export class SampleAccumulator {
  private readonly drafts = new Map<string, Draft>();
  private readonly sites = new Map<string, { drafts: Draft[]; heartbeats: Set<number> }>();

  /** Adds all contributions of one record atomically: either all merge, or none and the errors are returned. */
  stage(index: number, contributions: readonly Contribution[]): RecordError[] {
    const errors: RecordError[] = [];
    const created = new Map<string, Draft>();
    const overlay = new Map<string, Map<string, Slot>>();
    for (const c of contributions) {
      const k = draftKey(c);
      let draft = this.drafts.get(k) ?? created.get(k);
      if (!draft) {
        draft = { siteId: c.siteId, target: c.target, ts: c.ts, slots: new Map(), index };
        created.set(k, draft);
      }
      if (c.target.kind === 'cell' && draft.target.kind === 'cell' && draft.target.intervalMs !== c.target.intervalMs) {
        errors.push({
          path: c.target.intervalPath,
          code: 'CONFLICTING_VALUE',
          message: `cell ${c.target.cellId} at ${c.ts} already has intervalMs ${draft.target.intervalMs} (record ${draft.index}), this record says ${c.target.intervalMs}`,
        });
        continue;
      }
      const pending = overlay.get(k)?.get(c.slot);
      const existing = pending ?? draft.slots.get(c.slot);
      if (existing && existing.priority === c.priority && existing.value !== c.value) {
        errors.push({
          path: c.path,
          code: 'CONFLICTING_VALUE',
          message: `${c.metric} ${c.value} conflicts with ${existing.value} from ${existing.metric} (record ${existing.index}) for the same ${describe(c)}`,
        });
        continue;
      }
      if (!existing || c.priority < existing.priority) {
        let slots = overlay.get(k);
        if (!slots) overlay.set(k, (slots = new Map()));
        slots.set(c.slot, { value: c.value, priority: c.priority, metric: c.metric, path: c.path, index, counterpart: c.counterpart });
      }
    }
    if (errors.length > 0) return dedupe(errors);
    for (const [k, draft] of created) {
      this.drafts.set(k, draft);
      this.site(draft.siteId).drafts.push(draft);
    }
    for (const [k, slots] of overlay) {
      const draft = this.drafts.get(k) as Draft;
      for (const [slot, value] of slots) draft.slots.set(slot, value);
    }
    return [];
  }

  heartbeat(siteId: string, ts: number): void {
    this.site(siteId).heartbeats.add(ts);
  }

  /**
   * Turns PRB count halves into percent fields, where the direct percent is absent. Returns the errors
   * per record index (the record of the `used` half): MISSING_FIELD when `available` is missing,
   * OUT_OF_RANGE when used > available or available = 0 < used.
   */
  resolvePrbParts(): Map<number, RecordError[]> {
    const errors = new Map<number, RecordError[]>();
    const fail = (slot: Slot, error: RecordError): void => {
      const list = errors.get(slot.index) ?? [];
      list.push(error);
      errors.set(slot.index, list);
    };
    for (const draft of this.drafts.values()) {
      const bases = new Set([...draft.slots.keys()].filter((s) => s.includes('.')).map((s) => s.slice(0, s.indexOf('.'))));
      for (const base of bases) {
        const used = draft.slots.get(`${base}.used`);
        const available = draft.slots.get(`${base}.available`);
        draft.slots.delete(`${base}.used`);
        draft.slots.delete(`${base}.available`);
        if (draft.slots.has(base) || !used) continue;
        if (!available) {
          fail(used, { path: used.path, code: 'MISSING_FIELD', message: `${used.metric} needs ${used.counterpart ?? 'the matching available-PRB count'} for the same ${describeDraft(draft)} to derive ${base}` });
          continue;
        }
        const derived = derivePrbPercent(used.metric, used.value, available.metric, available.value);
        if (!derived.ok) fail(used, { path: used.path, code: derived.code, message: derived.message });
        else if (derived.value !== null) draft.slots.set(base, { ...used, value: derived.value, metric: `${used.metric}/${available.metric}` });
      }
    }
    return errors;
  }

  /** The accumulated values as contributions again (to move a VES event's samples into the request's accumulator). */
  contributions(): Contribution[] {
    const out: Contribution[] = [];
    for (const draft of this.drafts.values()) {
      for (const [slot, s] of draft.slots) out.push({ siteId: draft.siteId, target: draft.target, ts: draft.ts, slot, value: s.value, priority: s.priority, metric: s.metric, path: s.path, counterpart: s.counterpart });
    }
    return out;
  }

  /** Sites in first-seen order with their samples; samples without any field and empty sites are left out. */
  build(): SiteBatch[] {
    const batches: SiteBatch[] = [];
    for (const [siteId, site] of this.sites) {
      const cells: CellSample[] = [];
      const gpus: GpuSample[] = [];
      for (const draft of site.drafts) {
        const fields: Partial<Record<CanonicalField, number>> = {};
        const order: readonly CanonicalField[] = draft.target.kind === 'cell' ? CELL_FIELDS : GPU_FIELDS;
        let any = false;
        for (const field of order) {
          const slot = draft.slots.get(field);
          if (slot) {
            fields[field] = slot.value;
            any = true;
          }
        }
        if (!any) continue;
        if (draft.target.kind === 'cell') cells.push({ cellId: draft.target.cellId, ts: draft.ts, intervalMs: draft.target.intervalMs, ...fields });
        else gpus.push({ node: draft.target.node, device: draft.target.device, ts: draft.ts, ...fields });
      }
      const heartbeats = [...site.heartbeats];
      if (cells.length + gpus.length + heartbeats.length > 0) batches.push({ siteId, cells, gpus, heartbeats });
    }
    return batches;
  }

  private site(siteId: string): { drafts: Draft[]; heartbeats: Set<number> } {
    let site = this.sites.get(siteId);
    if (!site) this.sites.set(siteId, (site = { drafts: [], heartbeats: new Set() }));
    return site;
  }
}

function draftKey(c: Contribution): string {
  const t = c.target;
  return t.kind === 'cell' ? JSON.stringify(['cell', c.siteId, t.cellId, c.ts]) : JSON.stringify(['gpu', c.siteId, t.node, t.device, c.ts]);
}

function describe(c: Contribution): string {
  return c.target.kind === 'cell' ? `cell ${c.target.cellId} at ${c.ts}` : `GPU ${c.target.node}/${c.target.device} at ${c.ts}`;
}

function describeDraft(d: Draft): string {
  return d.target.kind === 'cell' ? `cell and time (${d.target.cellId} at ${d.ts})` : `GPU and time (${d.target.node}/${d.target.device} at ${d.ts})`;
}

function dedupe(errors: RecordError[]): RecordError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path}\u0000${e.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
