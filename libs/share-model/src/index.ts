export * from './grant-validity';
export * from './share-view';
export * from './share-backfill';
