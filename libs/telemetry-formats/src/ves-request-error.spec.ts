import { bounds, formatError, measurement } from './ves.fixtures';
import { parseVesEvents } from './ves.parser';
import { buildVesRequestError } from './ves-request-error';

describe('buildVesRequestError', () => {
  it('builds the VES SVC0002 body with the paths as variables and the field errors', () => {
    const error = formatError(() => parseVesEvents({ eventList: {} }, bounds, { batch: true }));
    expect(buildVesRequestError(error.errors, error.message)).toEqual({
      requestError: {
        ServiceException: { messageId: 'SVC0002', text: 'not a VES eventBatch body: %1', variables: ['$.eventList'] },
      },
      fieldErrors: [{ path: '$.eventList', code: 'INVALID_TYPE', message: 'must be an array of events, got object' }],
    });
  });

  it('carries the event index of rejected records and lists each path once', () => {
    const result = parseVesEvents({ event: measurement([], {}, { priority: 'x', sequence: 'y' }) }, bounds, { batch: false });
    const errors = result.rejected.flatMap((r) => r.errors.map((e) => ({ index: r.index, ...e })));
    expect(buildVesRequestError([...errors, errors[0]])).toEqual({
      requestError: {
        ServiceException: {
          messageId: 'SVC0002',
          text: 'Bad parameter (JSON does not conform to schema): %1, %2',
          variables: ['$.event.commonEventHeader.priority', '$.event.commonEventHeader.sequence'],
        },
      },
      fieldErrors: [
        { index: 0, path: '$.event.commonEventHeader.priority', code: 'INVALID_VALUE', message: 'must be one of "High", "Medium", "Normal", "Low"; got "x"' },
        { index: 0, path: '$.event.commonEventHeader.sequence', code: 'INVALID_TYPE', message: 'must be a number, got string' },
        { index: 0, path: '$.event.commonEventHeader.priority', code: 'INVALID_VALUE', message: 'must be one of "High", "Medium", "Normal", "Low"; got "x"' },
      ],
    });
  });

  it('caps the variables at 20', () => {
    const errors = Array.from({ length: 23 }, (_, i) => ({ path: `$.eventList[${i}]`, code: 'INVALID_TYPE', message: 'x' }));
    const body = buildVesRequestError(errors);
    expect(body.requestError.ServiceException.variables).toHaveLength(20);
    expect(body.requestError.ServiceException.text).toMatch(/%20 \(and 3 more\)$/);
    expect(body.fieldErrors).toHaveLength(23);
  });
});
