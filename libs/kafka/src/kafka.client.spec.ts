import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from './kafka.client';

describe('kafkaLogLevel', () => {
  it.each([
    ['This server is not the leader for that topic-partition', 'Response ListOffsets(key: 2, version: 7)'],
    ['This server does not host this topic-partition', 'Response Fetch(key: 1, version: 11)'],
    ['Topic creation errors', 'Response CreateTopics(key: 19, version: 3)'],
  ])('logs the expected, handled answer "%s" at debug', (error, message) => {
    expect(kafkaLogLevel(logLevel.ERROR, { message, error })).toBe('debug');
  });

  it('keeps every other protocol error, and non-protocol lines, at their level', () => {
    expect(kafkaLogLevel(logLevel.ERROR, { message: 'Response Produce(key: 0, version: 7)', error: 'The request timed out' })).toBe('error');
    expect(kafkaLogLevel(logLevel.ERROR, { message: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', error: 'Topic creation errors' })).toBe('error');
    expect(kafkaLogLevel(logLevel.WARN, { message: 'Response Metadata(key: 3, version: 6)', error: { nested: true } })).toBe('warn');
    expect(kafkaLogLevel(logLevel.INFO, { message: 'Starting' })).toBe('info');
  });
});
