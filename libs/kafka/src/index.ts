export * from './kafka.client';
export * from './kafka.connect';
export * from './topic.provisioner';
export * from './kafka.producer';
export * from './exactly-once.consumer';
export * from './outbox.relay';
export type { Kafka } from 'kafkajs';
export * from './registry.cache';
export * from './topic-drift';
