export * from './grant-validity';
export * from './share-view';
