export * from './window';
export * from './cell-window';
export * from './node-time';
export * from './lateness';
export * from './rollup';
export * from './sample-segments';
