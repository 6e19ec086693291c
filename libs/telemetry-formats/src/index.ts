export * from './record-error';
export * from './site-batch';
export * from './native.parser';
