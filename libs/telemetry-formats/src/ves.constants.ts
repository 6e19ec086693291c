/**
 * VES 7.x (ONAP VES Event Listener, O-RAN O1) enumerations: the values the VES 7.x schema allows for
 * the fields airan checks, and the domains airan ingests. Mapping conventions: docs/telemetry-mapping.md.
 */

export const VES_DOMAINS = [
  'fault',
  'heartbeat',
  'measurement',
  'mobileFlow',
  'notification',
  'other',
  'perf3gpp',
  'pnfRegistration',
  'sipSignaling',
  'stateChange',
  'stndDefined',
  'syslog',
  'thresholdCrossingAlert',
  'voiceQuality',
] as const;
export type VesDomain = (typeof VES_DOMAINS)[number];
/** Domains airan ingests; any other valid domain fails the request with UNSUPPORTED_DOMAIN. */
export const VES_SUPPORTED_DOMAINS = ['measurement', 'heartbeat', 'fault'] as const;
export type VesSupportedDomain = (typeof VES_SUPPORTED_DOMAINS)[number];

export const VES_PRIORITIES = ['High', 'Medium', 'Normal', 'Low'] as const;
export const VES_HEADER_VERSIONS = ['4.0', '4.0.1', '4.1'] as const;
export const VES_LISTENER_VERSIONS = ['7.0', '7.0.1', '7.1', '7.1.1', '7.2', '7.2.1'] as const;
export const VES_SEVERITIES = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'NORMAL'] as const;
export type VesSeverity = (typeof VES_SEVERITIES)[number];
export const VES_VF_STATUSES = ['Active', 'Idle', 'Preparing to terminate', 'Ready to terminate', 'Requesting termination'] as const;

/** Prefix of an `additionalMeasurements[].name` that carries a GPU: `gpu:<node>/<device>`. */
export const VES_GPU_ENTRY_PREFIX = 'gpu:';
