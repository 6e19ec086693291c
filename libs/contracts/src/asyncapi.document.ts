import { z } from 'zod';
import { type JsonSchema, jsonSchemaOf } from './json-schema';
import { SHARE_PRODUCT_NAMES, SHARE_PRODUCTS, SHARE_TOPIC_ADDRESS, type ShareProduct, sharedViewSchema } from './share';
import { MESSAGE_HEADERS, TOPIC_MESSAGES, type TopicMessage } from './topic-messages';
import { TOPICS, type TopicKey, type TopicSpec } from './topics';

/** The Kafka bindings version these documents use (AsyncAPI bindings, kafka 0.5.0). */
const KAFKA_BINDING = '0.5.0';
const ref = (path: string) => ({ $ref: `#/${path}` });

/**
 * The AsyncAPI 3.0 document of every airan topic, generated from this library: topic names and
 * settings from `TOPICS`, keys, headers and payload schemas from `TOPIC_MESSAGES` and the event schemas,
 * and the partners' share topics from `SHARE_PRODUCTS`. Deployed names carry `KAFKA_TOPIC_PREFIX`.
 */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const topicKeys = Object.keys(TOPICS) as TopicKey[];
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  for (const key of topicKeys) {
    const topic = TOPICS[key];
    const message = TOPIC_MESSAGES[key];
    const channelMessages: Record<string, unknown> = { [message.name]: ref(`components/messages/${message.name}`) };
    messages[message.name] = messageObject(message.name, message, jsonSchemaOf(message.payload));
    if (message.tombstone) {
      const name = `${message.name}Tombstone`;
      messages[name] = messageObject(name, { ...message, summary: message.tombstone }, { type: 'null' });
      channelMessages[name] = ref(`components/messages/${name}`);
    }
    channels[key] = {
      address: topic.name,
      title: topic.name,
      description: `${message.summary}. Written by ${message.producer}; read by ${message.consumers}.`,
      messages: channelMessages,
      bindings: { kafka: topicBinding(topic) },
    };
    operations[`send${pascal(key)}`] = {
      action: 'send',
      channel: ref(`channels/${key}`),
      summary: `${message.producer}`,
      messages: Object.keys(channelMessages).map((name) => ref(`channels/${key}/messages/${name}`)),
    };
  }

  const shareMessages = Object.fromEntries(SHARE_PRODUCT_NAMES.map((product) => [shareMessageName(product), ref(`components/messages/${shareMessageName(product)}`)]));
  for (const product of SHARE_PRODUCT_NAMES) {
    const name = shareMessageName(product);
    const { key } = SHARE_PRODUCTS[product];
    messages[name] = messageObject(
      name,
      { summary: `The ${product} product as one partner is granted it: the source events, without the fields the grant redacts`, key },
      jsonSchemaOf(sharedViewSchema(product)),
    );
  }
  channels.share = {
    address: SHARE_TOPIC_ADDRESS,
    title: 'partner share topics',
    description:
      "One topic per partner and granted product, written with Kafka transactions (partners read `read_committed`), keyed like its source. A partner's principal may read and describe only its own topics and consumer-group prefix.",
    parameters: {
      partnerId: { description: "the partner's registry id" },
      product: { enum: SHARE_PRODUCT_NAMES, description: 'the data product: each topic carries the one message of its product' },
    },
    messages: shareMessages,
  };
  operations.sendShare = {
    action: 'send',
    channel: ref('channels/share'),
    summary: "the share service: each partner's view of the source topics, cut to its grant",
    messages: Object.keys(shareMessages).map((name) => ref(`channels/share/messages/${name}`)),
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'airan topics',
      version: '1',
      description:
        'Every Kafka topic of the airan AI-RAN platform: JSON values (UTF-8), string keys, created explicitly by the services, never auto-created. ' +
        'Deployed names carry the deployment\'s `KAFKA_TOPIC_PREFIX`. Every value has `schema` (name and version) and a stable `id` consumers de-duplicate on.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}

function messageObject(name: string, message: Pick<TopicMessage, 'summary' | 'key' | 'headers'>, payload: JsonSchema): Record<string, unknown> {
  return {
    name,
    title: name,
    summary: message.summary,
    contentType: 'application/json',
    // Open: tracing may add `tracestate` or `baggage` beside `traceparent`.
    headers: jsonSchemaOf(z.object({ ...MESSAGE_HEADERS, ...message.headers }).passthrough()),
    payload,
    bindings: { kafka: { key: { type: 'string', description: message.key }, bindingVersion: KAFKA_BINDING } },
  };
}

function topicBinding(topic: TopicSpec): Record<string, unknown> {
  return {
    topic: topic.name,
    partitions: topic.partitions,
    topicConfiguration: { 'cleanup.policy': [topic.cleanupPolicy], 'retention.ms': topic.retentionMs },
    bindingVersion: KAFKA_BINDING,
  };
}

const shareMessageName = (product: ShareProduct) => `Shared${pascal(product)}`;
const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()).replace(/^[a-z]/, (c) => c.toUpperCase());
