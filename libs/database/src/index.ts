export * from './database.bootstrap';
export * from './infrastructure.migration';
export * from './offset.repository';
export * from './outbox.repository';
export type { DataSource, EntityManager } from 'typeorm';
export * from './notified-loop';
export * from './pg-listener';
