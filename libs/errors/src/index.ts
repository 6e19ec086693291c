export * from './feature-error';
