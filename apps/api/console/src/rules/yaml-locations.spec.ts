import { lineOfPath, pathSegments } from './yaml-locations';

const DOCUMENT = ['rules:', '  - id: high-load', '    threshold: 0.9', '    all:', '      - metric: inferenceLoad', '        op: ">"', '  - id: second', '    forMs: -1', ''].join('\n');

describe('YAML error locations', () => {
  it('splits an error path into keys and indexes', () => {
    expect(pathSegments('$.rules[0].all[1].metric')).toEqual(['rules', 0, 'all', 1, 'metric']);
    expect(pathSegments('$')).toEqual([]);
  });

  it('finds the line of the field an error names', () => {
    expect(lineOfPath(DOCUMENT, '$.rules[0].threshold')).toBe(3);
    expect(lineOfPath(DOCUMENT, '$.rules[0].all[0].op')).toBe(6);
    expect(lineOfPath(DOCUMENT, '$.rules[1].forMs')).toBe(8);
  });

  it('falls back to the nearest enclosing field for one that is missing, and gives up on broken YAML', () => {
    expect(lineOfPath(DOCUMENT, '$.rules[1].severity')).toBe(7);
    expect(lineOfPath('rules: [', '$.rules[0]')).toBeUndefined();
  });
});
