export * from './demo-fleet';
export * from './prng';
