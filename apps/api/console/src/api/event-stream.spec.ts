import { parseSseChunk } from './event-stream';

describe('parseSseChunk', () => {
  it('reads whole events and keeps an unfinished one for the next chunk', () => {
    const first = parseSseChunk('id: 0:5\nevent: alert\ndata: {"a":1}\n\nid: 0:6\nevent: al');
    expect(first.events).toEqual([{ event: 'alert', id: '0:5', data: '{"a":1}' }]);
    expect(first.rest).toBe('id: 0:6\nevent: al');
    const second = parseSseChunk(`${first.rest}ert\ndata: {"a":2}\n\n`);
    expect(second).toEqual({ events: [{ event: 'alert', id: '0:6', data: '{"a":2}' }], lastId: '0:6', rest: '' });
  });

  it("takes a heartbeat's id as the position to resume from, without an event", () => {
    expect(parseSseChunk('id: 0:5\ndata: x\n\n: heartbeat\nid: 0:9\n\n')).toEqual({ events: [{ event: 'message', id: '0:5', data: 'x' }], lastId: '0:9', rest: '' });
  });

  it('joins multi-line data, reads CRLF line ends, and leaves lastId unset when nothing carried an id', () => {
    expect(parseSseChunk('data: a\r\ndata: b\r\n\r\n')).toEqual({ events: [{ event: 'message', id: undefined, data: 'a\nb' }], lastId: undefined, rest: '' });
  });
});
