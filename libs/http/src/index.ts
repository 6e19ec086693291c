export * from './http-error.filter';
export * from './service.infra';
export * from './service.bootstrap';
export * from './registry-cache.provider';
export * from './zod-issues';
