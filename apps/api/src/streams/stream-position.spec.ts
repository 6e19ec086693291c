import { checkPosition, formatPosition, parsePosition } from './stream-position';

const RANGES = [
  { partition: 0, low: 0, high: 130 },
  { partition: 1, low: 10, high: 98 },
  { partition: 2, low: 0, high: 77 },
];

describe('stream position', () => {
  it('formats the next offset of every partition, in partition order', () => {
    expect(formatPosition([120, 98, 77])).toBe('0:120.1:98.2:77');
    expect(formatPosition([0])).toBe('0:0');
  });

  it('parses what it formats, and partitions in any order', () => {
    expect(parsePosition(formatPosition([120, 98, 77]))).toEqual(new Map([[0, 120], [1, 98], [2, 77]]));
    expect(parsePosition('2:77.0:120.1:98')).toEqual(new Map([[0, 120], [1, 98], [2, 77]]));
  });

  it.each(['', '0', '0:', ':1', '0:1.', '0:1..1:2', '0:-1', '-1:0', '0:1.0:2', '0:01', '00:1', '0:1e3', '0:1,1:2', 'a:1', '0:1 ', '0:1234567890123456', `0:${'1'.repeat(4097)}`])(
    'refuses %p as malformed',
    (text) => expect(parsePosition(text)).toBeUndefined(),
  );

  it('accepts a position inside what the topic holds, as offsets by partition', () => {
    expect(checkPosition(parsePosition('0:120.1:98.2:0')!, RANGES)).toEqual({ kind: 'ok', offsets: [120, 98, 0] });
    expect(checkPosition(parsePosition('2:77.1:10.0:130')!, RANGES)).toEqual({ kind: 'ok', offsets: [130, 10, 77] });
  });

  it('calls a position of other partitions foreign', () => {
    expect(checkPosition(parsePosition('0:1.1:1')!, RANGES)).toMatchObject({ kind: 'foreign', reason: expect.stringContaining('the topic has 3') });
    expect(checkPosition(parsePosition('0:1.1:1.3:1')!, RANGES)).toMatchObject({ kind: 'foreign' });
    expect(checkPosition(parsePosition('0:1.1:11.2:1.3:1')!, RANGES)).toMatchObject({ kind: 'foreign' });
  });

  it('calls an offset the topic never reached foreign', () => {
    expect(checkPosition(parsePosition('0:131.1:98.2:77')!, RANGES)).toMatchObject({ kind: 'foreign', reason: expect.stringContaining('partition 0') });
  });

  it('calls an offset before what retention kept expired', () => {
    expect(checkPosition(parsePosition('0:0.1:9.2:0')!, RANGES)).toMatchObject({ kind: 'expired', reason: expect.stringContaining('partition 1') });
  });
});
