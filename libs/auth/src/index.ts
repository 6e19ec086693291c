export * from './api-key';
export * from './api-key.migration';
export * from './api-key.repository';
export * from './api-key.guard';
export * from './auth.errors';
