export * from './config.loader';
export * from './config.env';
export * from './fault-point';
export * from './https.credentials';
