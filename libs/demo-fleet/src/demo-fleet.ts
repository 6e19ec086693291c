/**
 * The simulated pilot fleet: a pure, deterministic description of a few plausible AI-RAN pilot
 * sites of the three Korean operators. No I/O, no randomness: the same fleet every time, so
 * the ids can be registered once (sites, cells, GPU nodes) and the simulator reused.
 *
 * Ids follow the native format's id pattern `^[A-Za-z0-9][A-Za-z0-9._:-]*$`:
 *   site      `<operator>-<place>-NN`         e.g. `skt-seoul-gangnam-01`
 *   cell      `<siteId>-c<k>`                 e.g. `skt-seoul-gangnam-01-c1`
 *   GPU node  `<siteId>-gpu01` (hostname)     e.g. `skt-seoul-gangnam-01-gpu01`
 *   device    `gpu<i>` on that node           e.g. `gpu0`
 */

export type OperatorId = 'skt' | 'kt' | 'lguplus';

export const OPERATOR_IDS: readonly OperatorId[] = ['skt', 'kt', 'lguplus'];

export type GpuModelId = 'GH200' | 'B200' | 'L40S' | 'RTX PRO 6000 Blackwell';

/** Device characteristics the sample generator needs. */
export interface GpuModel {
  readonly id: GpuModelId;
  /** Frame-buffer size as DCGM reports it (`DCGM_FI_DEV_FB_TOTAL`), MiB. */
  readonly memTotalMiB: number;
  /** Board power at idle and at full load, W. */
  readonly idlePowerW: number;
  readonly maxPowerW: number;
  /** GPU-milliseconds one inference request costs on one device of this model. */
  readonly gpuMsPerRequest: number;
  /** p95 latency of a request on an unloaded device, ms. */
  readonly baseLatencyP95Ms: number;
}

export const GPU_MODELS: Readonly<Record<GpuModelId, GpuModel>> = Object.freeze({
  GH200: { id: 'GH200', memTotalMiB: 97_871, idlePowerW: 110, maxPowerW: 900, gpuMsPerRequest: 38, baseLatencyP95Ms: 55 },
  B200: { id: 'B200', memTotalMiB: 183_359, idlePowerW: 140, maxPowerW: 1_000, gpuMsPerRequest: 24, baseLatencyP95Ms: 40 },
  L40S: { id: 'L40S', memTotalMiB: 46_068, idlePowerW: 35, maxPowerW: 350, gpuMsPerRequest: 85, baseLatencyP95Ms: 110 },
  'RTX PRO 6000 Blackwell': {
    id: 'RTX PRO 6000 Blackwell',
    memTotalMiB: 97_887,
    idlePowerW: 30,
    maxPowerW: 600,
    gpuMsPerRequest: 52,
    baseLatencyP95Ms: 75,
  },
});

/** A 5G NR cell (sector) of a site. */
export interface SimCell {
  readonly id: string;
  /** NR band and carrier bandwidth: only used to shape the radio KPIs. */
  readonly band: 'n78';
  readonly bandwidthMHz: number;
  /** Mean UE throughput of an empty cell, Mbit/s (falls as PRB use rises). */
  readonly peakUeThpDlMbps: number;
  readonly peakUeThpUlMbps: number;
  /** RRC-connected UEs at the daily peak. */
  readonly peakUes: number;
  /** Cell-specific offset of the mean inference load (−0.1 … +0.1). */
  readonly inferenceBias: number;
}

export interface SimGpuDevice {
  /** Device id on its node (`gpu<i>`, DCGM label `gpu`). */
  readonly id: string;
  /** Stable per-device UUID in NVIDIA's format, for registries that want one. */
  readonly uuid: string;
}

export interface SimGpuNode {
  /** Hostname (DCGM label `Hostname`): the `node` of GPU records. */
  readonly hostname: string;
  readonly model: GpuModel;
  readonly devices: readonly SimGpuDevice[];
}

export interface SimSite {
  readonly id: string;
  readonly operatorId: OperatorId;
  readonly name: string;
  readonly city: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Hour (Korea Standard Time) at which this site's traffic peaks. */
  readonly peakHourKst: number;
  readonly cells: readonly SimCell[];
  readonly gpuNode: SimGpuNode;
}

export interface SimOperator {
  readonly id: OperatorId;
  readonly name: string;
  readonly sites: readonly SimSite[];
}

/** GPU capacity allocated to each cell, in GPUs (matches load's `LOAD_DEFAULT_CELL_GPUS`). */
export const CELL_GPU_ALLOCATION = 0.25;

interface SiteSpec {
  readonly id: string;
  readonly name: string;
  readonly city: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly peakHourKst: number;
  readonly bandwidthMHz: number;
  readonly peakUes: number;
  readonly gpuModel: GpuModelId;
  readonly gpuDevices: 1 | 2 | 3 | 4;
}

const OPERATOR_SPECS: ReadonlyArray<{ id: OperatorId; name: string; sites: readonly SiteSpec[] }> = [
  {
    id: 'skt',
    name: 'SK Telecom',
    sites: [
      {
        id: 'skt-seoul-gangnam-01',
        name: 'Seoul Gangnam Station',
        city: 'Seoul',
        latitude: 37.4979,
        longitude: 127.0276,
        peakHourKst: 19,
        bandwidthMHz: 100,
        peakUes: 420,
        gpuModel: 'GH200',
        gpuDevices: 2,
      },
      {
        id: 'skt-pangyo-01',
        name: 'Pangyo Techno Valley',
        city: 'Seongnam',
        latitude: 37.4017,
        longitude: 127.1086,
        peakHourKst: 14,
        bandwidthMHz: 100,
        peakUes: 260,
        gpuModel: 'B200',
        gpuDevices: 4,
      },
    ],
  },
  {
    id: 'kt',
    name: 'KT',
    sites: [
      {
        id: 'kt-daejeon-etri-01',
        name: 'Daejeon ETRI campus',
        city: 'Daejeon',
        latitude: 36.3838,
        longitude: 127.3661,
        peakHourKst: 15,
        bandwidthMHz: 100,
        peakUes: 140,
        gpuModel: 'L40S',
        gpuDevices: 3,
      },
      {
        id: 'kt-seoul-gwanghwamun-01',
        name: 'Seoul Gwanghwamun',
        city: 'Seoul',
        latitude: 37.5717,
        longitude: 126.9768,
        peakHourKst: 18,
        bandwidthMHz: 100,
        peakUes: 360,
        gpuModel: 'GH200',
        gpuDevices: 1,
      },
    ],
  },
  {
    id: 'lguplus',
    name: 'LG U+',
    sites: [
      {
        id: 'lguplus-seoul-sinchon-01',
        name: 'Yonsei University Sinchon campus',
        city: 'Seoul',
        latitude: 37.5658,
        longitude: 126.9386,
        peakHourKst: 16,
        bandwidthMHz: 100,
        peakUes: 300,
        gpuModel: 'RTX PRO 6000 Blackwell',
        gpuDevices: 2,
      },
      {
        id: 'lguplus-seoul-magok-01',
        name: 'Seoul Magok Science Park',
        city: 'Seoul',
        latitude: 37.5613,
        longitude: 126.8343,
        peakHourKst: 13,
        bandwidthMHz: 80,
        peakUes: 220,
        gpuModel: 'B200',
        gpuDevices: 1,
      },
    ],
  },
];

/** Small deterministic string hash (FNV-1a, 32 bit), used to vary cells without randomness. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A fake but stable NVIDIA-style UUID (`GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`). */
function deviceUuid(hostname: string, index: number): string {
  const hex = [0, 1, 2, 3]
    .map((k) => hash32(`${hostname}/${index}/${k}`).toString(16).padStart(8, '0'))
    .join('');
  return `GPU-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const CELLS_PER_SITE = 3;

function buildSite(operatorId: OperatorId, spec: SiteSpec): SimSite {
  const cells: SimCell[] = [];
  for (let k = 1; k <= CELLS_PER_SITE; k++) {
    const id = `${spec.id}-c${k}`;
    const h = hash32(id);
    const widthFactor = spec.bandwidthMHz / 100;
    cells.push({
      id,
      band: 'n78',
      bandwidthMHz: spec.bandwidthMHz,
      peakUeThpDlMbps: Math.round((380 + (h % 120)) * widthFactor),
      peakUeThpUlMbps: Math.round((45 + ((h >>> 8) % 25)) * widthFactor),
      peakUes: Math.round(spec.peakUes * (0.75 + ((h >>> 16) % 50) / 100)),
      inferenceBias: Math.round((((h >>> 4) % 201) / 1000 - 0.1) * 1000) / 1000,
    });
  }
  const hostname = `${spec.id}-gpu01`;
  const devices: SimGpuDevice[] = [];
  for (let i = 0; i < spec.gpuDevices; i++) devices.push({ id: `gpu${i}`, uuid: deviceUuid(hostname, i) });
  return {
    id: spec.id,
    operatorId,
    name: spec.name,
    city: spec.city,
    latitude: spec.latitude,
    longitude: spec.longitude,
    peakHourKst: spec.peakHourKst,
    cells,
    gpuNode: { hostname, model: GPU_MODELS[spec.gpuModel], devices },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/** Builds the fleet (a fresh, frozen copy each call; always the same content). */
export function buildFleet(): readonly SimOperator[] {
  return deepFreeze(
    OPERATOR_SPECS.map((op) => ({ id: op.id, name: op.name, sites: op.sites.map((s) => buildSite(op.id, s)) })),
  );
}

/** The simulated fleet. */
export const FLEET: readonly SimOperator[] = buildFleet();

export function fleetOperator(operatorId: OperatorId, fleet: readonly SimOperator[] = FLEET): SimOperator {
  const operator = fleet.find((o) => o.id === operatorId);
  if (!operator) throw new Error(`unknown operator ${operatorId}`);
  return operator;
}

export function isOperatorId(value: string): value is OperatorId {
  return (OPERATOR_IDS as readonly string[]).includes(value);
}
