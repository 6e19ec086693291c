import { type ShareProduct, TOPICS, type TopicKey } from '@airan/contracts';

/** The source topic of each partner product. */
export const SOURCE_TOPIC: Readonly<Record<ShareProduct, TopicKey>> = { 'cell-load': 'cellLoad', rollups: 'rollups', alerts: 'alerts', telemetry: 'telemetry' };

/** A partner topic is partitioned as its source, so each key keeps its order. */
export const partitionsOf = (product: ShareProduct): number => TOPICS[SOURCE_TOPIC[product]].partitions;
