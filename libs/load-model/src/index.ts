export * from './window';
export * from './cell-window';
