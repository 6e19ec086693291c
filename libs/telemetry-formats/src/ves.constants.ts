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

/**
 * Top-level keys a body may carry besides `event`/`eventList`: the ONAP VES collector adds them to every
 * event it relays (`{"event": {...}, "VESuniqueId": "…", "VESversion": "v7"}`). The schema allows any
 * top-level key; airan lets these two through unread and refuses the others (a typo would lose the body).
 */
export const VES_BODY_RELAY_KEYS = ['VESuniqueId', 'VESversion'] as const;

/** Longest `measurementInterval` airan ingests, in seconds: 24 h, the longest 3GPP PM granularity period. */
export const VES_MAX_MEASUREMENT_INTERVAL_S = 86_400;

/**
 * A value of the VES 7.x schema: a JSON type (`hashMap` = an object of strings), a string enum, an array
 * of items, or an object defined in `VES_SHAPES`.
 */
export type VesShape = 'string' | 'number' | 'integer' | 'object' | 'hashMap' | { readonly enum: readonly string[] } | { readonly items: VesShape } | { readonly ref: string };
/** An object of the VES 7.x schema: closed (`additionalProperties: false`), with its required properties. */
export interface VesObjectShape {
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, VesShape>>;
}

const numbers = (names: string): Record<string, VesShape> => Object.fromEntries(names.split(' ').map((name) => [name, 'number']));
const arrayOf = (ref: string): VesShape => ({ items: { ref } });

/**
 * `measurementFields` and the definitions it uses, as the VES 7.2.1 schema (CommonEventFormat_30.2.1)
 * defines them (names are the schema's `definitions`). airan reads `measurementInterval`,
 * `measurementFieldsVersion`, `additionalFields` and `additionalMeasurements`; the other fields are
 * checked against these shapes and not read. ves.official-schema.spec.ts compares this table with the schema.
 */
export const VES_SHAPES: Readonly<Record<string, VesObjectShape>> = {
  measurementFields: {
    required: ['measurementInterval', 'measurementFieldsVersion'],
    properties: {
      additionalFields: 'hashMap', additionalMeasurements: arrayOf('namedHashMap'), additionalObjects: arrayOf('jsonObject'), codecUsageArray: arrayOf('codecsInUse'),
      concurrentSessions: 'integer', configuredEntities: 'integer', cpuUsageArray: arrayOf('cpuUsage'), diskUsageArray: arrayOf('diskUsage'), featureUsageArray: 'hashMap',
      filesystemUsageArray: arrayOf('filesystemUsage'), hugePagesArray: arrayOf('hugePages'), ipmi: { ref: 'ipmi' }, latencyDistribution: arrayOf('latencyBucketMeasure'),
      loadArray: arrayOf('load'), machineCheckExceptionArray: arrayOf('machineCheckException'), measurementFieldsVersion: { enum: ['4.0'] }, memoryUsageArray: arrayOf('memoryUsage'),
      numberOfMediaPortsInUse: 'integer', nfcScalingMetric: 'integer', nicPerformanceArray: arrayOf('nicPerformance'), processStatsArray: arrayOf('processStats'),
      ...numbers('meanRequestLatency measurementInterval requestRate'),
    },
  },
  namedHashMap: { required: ['name', 'hashMap'], properties: { name: 'string', hashMap: 'hashMap' } },
  codecsInUse: { required: ['codecIdentifier', 'numberInUse'], properties: { codecIdentifier: 'string', numberInUse: 'integer' } },
  cpuUsage: {
    required: ['cpuIdentifier', 'percentUsage'],
    properties: {
      cpuIdentifier: 'string',
      ...numbers('cpuCapacityContention cpuDemandAvg cpuDemandMhz cpuDemandPct cpuIdle cpuLatencyAvg cpuOverheadAvg cpuSwapWaitTime cpuUsageInterrupt cpuUsageNice cpuUsageSoftIrq cpuUsageSteal cpuUsageSystem cpuUsageUser cpuWait percentUsage'),
    },
  },
  diskUsage: {
    required: ['diskIdentifier'],
    properties: {
      diskIdentifier: 'string',
      ...numbers('diskBusResets diskCommandsAborted diskCommandsAvg diskFlushRequests diskFlushTime diskReadCommandsAvg diskTime diskTotalReadLatencyAvg diskTotalWriteLatencyAvg diskWriteCommandsAvg'),
      ...numbers('diskIoTimeAvg diskIoTimeLast diskIoTimeMax diskIoTimeMin diskMergedReadAvg diskMergedReadLast diskMergedReadMax diskMergedReadMin diskMergedWriteAvg diskMergedWriteLast diskMergedWriteMax diskMergedWriteMin'),
      ...numbers('diskOctetsReadAvg diskOctetsReadLast diskOctetsReadMax diskOctetsReadMin diskOctetsWriteAvg diskOctetsWriteLast diskOctetsWriteMax diskOctetsWriteMin diskOpsReadAvg diskOpsReadLast diskOpsReadMax diskOpsReadMin'),
      ...numbers('diskOpsWriteAvg diskOpsWriteLast diskOpsWriteMax diskOpsWriteMin diskPendingOperationsAvg diskPendingOperationsLast diskPendingOperationsMax diskPendingOperationsMin'),
      ...numbers('diskTimeReadAvg diskTimeReadLast diskTimeReadMax diskTimeReadMin diskTimeWriteAvg diskTimeWriteLast diskTimeWriteMax diskTimeWriteMin diskWeightedIoTimeAvg diskWeightedIoTimeLast diskWeightedIoTimeMax diskWeightedIoTimeMin'),
    },
  },
  filesystemUsage: {
    required: ['blockConfigured', 'blockIops', 'blockUsed', 'ephemeralConfigured', 'ephemeralIops', 'ephemeralUsed', 'filesystemName'],
    properties: { filesystemName: 'string', ...numbers('blockConfigured blockIops blockUsed ephemeralConfigured ephemeralIops ephemeralUsed') },
  },
  hugePages: { required: ['hugePagesIdentifier'], properties: { hugePagesIdentifier: 'string', ...numbers('bytesFree bytesUsed percentFree percentUsed vmPageNumberFree vmPageNumberUsed') } },
  ipmi: {
    required: [],
    properties: {
      ipmiBaseboardTemperatureArray: arrayOf('ipmiBaseboardTemperature'), ipmiBaseboardVoltageRegulatorArray: arrayOf('ipmiBaseboardVoltageRegulator'), ipmiBatteryArray: arrayOf('ipmiBattery'),
      ipmiFanArray: arrayOf('ipmiFan'), ipmiHsbpArray: arrayOf('ipmiHsbp'), ipmiGlobalAggregateTemperatureMarginArray: arrayOf('ipmiGlobalAggregateTemperatureMargin'), ipmiNicArray: arrayOf('ipmiNic'),
      ipmiPowerSupplyArray: arrayOf('ipmiPowerSupply'), ipmiProcessorArray: arrayOf('ipmiProcessor'),
      ...numbers('exitAirTemperature frontPanelTemperature ioModuleTemperature systemAirflow'),
    },
  },
  ipmiBaseboardTemperature: { required: ['baseboardTemperatureIdentifier'], properties: { baseboardTemperatureIdentifier: 'string', ...numbers('baseboardTemperature') } },
  ipmiBaseboardVoltageRegulator: { required: ['baseboardVoltageRegulatorIdentifier'], properties: { baseboardVoltageRegulatorIdentifier: 'string', ...numbers('voltageRegulatorTemperature') } },
  ipmiBattery: { required: ['batteryIdentifier'], properties: { batteryIdentifier: 'string', batteryType: 'string', ...numbers('batteryVoltageLevel') } },
  ipmiFan: { required: ['fanIdentifier'], properties: { fanIdentifier: 'string', ...numbers('fanSpeed') } },
  ipmiGlobalAggregateTemperatureMargin: {
    required: ['globalAggregateTemperatureMarginIdentifier', 'globalAggregateTemperatureMargin'],
    properties: { globalAggregateTemperatureMarginIdentifier: 'string', ...numbers('globalAggregateTemperatureMargin') },
  },
  ipmiHsbp: { required: ['hsbpIdentifier'], properties: { hsbpIdentifier: 'string', ...numbers('hsbpTemperature') } },
  ipmiNic: { required: ['nicIdentifier'], properties: { nicIdentifier: 'string', ...numbers('nicTemperature') } },
  ipmiPowerSupply: { required: ['powerSupplyIdentifier'], properties: { powerSupplyIdentifier: 'string', ...numbers('powerSupplyInputPower powerSupplyCurrentOutputPercent powerSupplyTemperature') } },
  ipmiProcessor: {
    required: ['processorIdentifier'],
    properties: { processorIdentifier: 'string', processorDimmAggregateThermalMarginArray: arrayOf('processorDimmAggregateThermalMargin'), ...numbers('processorThermalControlPercent processorDtsThermalMargin') },
  },
  processorDimmAggregateThermalMargin: { required: ['processorDimmAggregateThermalMarginIdentifier', 'thermalMargin'], properties: { processorDimmAggregateThermalMarginIdentifier: 'string', ...numbers('thermalMargin') } },
  jsonObject: {
    required: ['objectInstances', 'objectName'],
    properties: { objectInstances: arrayOf('jsonObjectInstance'), objectName: 'string', objectSchema: 'string', objectSchemaUrl: 'string', nfSubscribedObjectName: 'string', nfSubscriptionId: 'string' },
  },
  jsonObjectInstance: { required: [], properties: { jsonObject: { ref: 'jsonObject' }, objectInstance: 'object', objectKeys: arrayOf('key'), ...numbers('objectInstanceEpochMicrosec') } },
  key: { required: ['keyName'], properties: { keyName: 'string', keyOrder: 'integer', keyValue: 'string' } },
  latencyBucketMeasure: { required: ['countsInTheBucket'], properties: numbers('countsInTheBucket highEndOfLatencyBucket lowEndOfLatencyBucket') },
  load: { required: [], properties: numbers('longTerm midTerm shortTerm') },
  machineCheckException: { required: ['vmIdentifier'], properties: { vmIdentifier: 'string', ...numbers('correctedMemoryErrors correctedMemoryErrorsIn1Hr uncorrectedMemoryErrors uncorrectedMemoryErrorsIn1Hr') } },
  memoryUsage: {
    required: ['memoryFree', 'memoryUsed', 'vmIdentifier'],
    properties: {
      vmIdentifier: 'string',
      ...numbers('memoryBuffered memoryCached memoryConfigured memoryDemand memoryFree memoryLatencyAvg memorySharedAvg memorySlabRecl memorySlabUnrecl memorySwapInAvg memorySwapInRateAvg'),
      ...numbers('memorySwapOutAvg memorySwapOutRateAvg memorySwapUsedAvg memoryUsed percentMemoryUsage'),
    },
  },
  nicPerformance: {
    required: ['nicIdentifier', 'valuesAreSuspect'],
    properties: {
      administrativeState: { enum: ['inService', 'outOfService'] }, nicIdentifier: 'string', operationalState: { enum: ['inService', 'outOfService'] }, valuesAreSuspect: { enum: ['true', 'false'] },
      ...numbers('receivedBroadcastPacketsAccumulated receivedBroadcastPacketsDelta receivedDiscardedPacketsAccumulated receivedDiscardedPacketsDelta receivedErrorPacketsAccumulated receivedErrorPacketsDelta'),
      ...numbers('receivedMulticastPacketsAccumulated receivedMulticastPacketsDelta receivedOctetsAccumulated receivedOctetsDelta receivedTotalPacketsAccumulated receivedPercentDiscard receivedPercentError'),
      ...numbers('receivedTotalPacketsDelta receivedUnicastPacketsAccumulated receivedUnicastPacketsDelta receivedUtilization speed'),
      ...numbers('transmittedBroadcastPacketsAccumulated transmittedBroadcastPacketsDelta transmittedDiscardedPacketsAccumulated transmittedDiscardedPacketsDelta transmittedErrorPacketsAccumulated'),
      ...numbers('transmittedErrorPacketsDelta transmittedMulticastPacketsAccumulated transmittedMulticastPacketsDelta transmittedOctetsAccumulated transmittedOctetsDelta transmittedTotalPacketsAccumulated'),
      ...numbers('transmittedTotalPacketsDelta transmittedUnicastPacketsAccumulated transmittedUnicastPacketsDelta transmittedPercentDiscard transmittedPercentError transmittedUtilization'),
    },
  },
  processStats: { required: ['processIdentifier'], properties: { processIdentifier: 'string', ...numbers('forkRate psStateBlocked psStatePaging psStateRunning psStateSleeping psStateStopped psStateZombie') } },
};
