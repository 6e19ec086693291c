export * from './clock';
export * from './id-generator';
export * from './code-unit-order';
