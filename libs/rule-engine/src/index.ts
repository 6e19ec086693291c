export * from './threshold-rule';
export * from './fingerprint';
export * from './notification-bodies';
