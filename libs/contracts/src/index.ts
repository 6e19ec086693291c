export * from './topics';
export * from './event';
export * from './telemetry';
export * from './dlq';
export * from './cell-load';
export * from './alerts';
export * from './native-batch.schema';
export * from './registry';
