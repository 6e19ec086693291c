export * from './threshold-rule';
export * from './fingerprint';
