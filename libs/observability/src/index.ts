export * from './tracing';
export * from './logger';
export * from './metrics';
export * from './health';
export * from './observability.controller';
export * from './public.decorator';
