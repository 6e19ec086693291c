export * from './demo-fleet';
