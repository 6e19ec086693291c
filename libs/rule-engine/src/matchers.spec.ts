import { formatMatcher, matchesAll, parseMatcher } from './matchers';
import { RuleFormatError } from './rule.errors';
import type { Matcher } from './rule.model';

describe('parseMatcher', () => {
  it.each([
    ['site="skt-1"', { name: 'site', op: '=', value: 'skt-1' }],
    ['site!="skt-1"', { name: 'site', op: '!=', value: 'skt-1' }],
    ['site=~"skt-.*"', { name: 'site', op: '=~', value: 'skt-.*' }],
    ['site!~"skt-.*"', { name: 'site', op: '!~', value: 'skt-.*' }],
    ['site=skt-1', { name: 'site', op: '=', value: 'skt-1' }],
    ['site=~skt-.*', { name: 'site', op: '=~', value: 'skt-.*' }],
    ['  site  !=  "a b"  ', { name: 'site', op: '!=', value: 'a b' }],
    ['site=""', { name: 'site', op: '=', value: '' }],
    ['site=', { name: 'site', op: '=', value: '' }],
    ['_x1="v"', { name: '_x1', op: '=', value: 'v' }],
  ] as const)('%s', (text, expected) => {
    expect(parseMatcher(text)).toEqual(expected);
  });

  it('unescapes \\", \\\\ and \\n and keeps any other backslash, as Alertmanager does', () => {
    expect(parseMatcher(String.raw`x="a\"b\\c\nd"`).value).toBe('a"b\\c\nd');
    expect(parseMatcher(String.raw`cell=~"skt\.1\d"`).value).toBe(String.raw`skt\.1\d`);
  });

  it.each([
    ['site', /is not a matcher/],
    ['site~"x"', /is not a matcher/],
    ['="x"', /invalid label name ""/],
    ['1site="x"', /invalid label name "1site"/],
    ['si-te="x"', /invalid label name "si-te"/],
    ['site="x', /missing closing double quote/],
    ['site="a"b"', /unescaped double quote/],
    ['site=a"b', /unescaped double quote/],
    ['site=~"("', /invalid regular expression "\("/],
    ['site!~"[a-"', /invalid regular expression/],
  ])('rejects %s', (text, message) => {
    expect(() => parseMatcher(text)).toThrow(RuleFormatError);
    expect(() => parseMatcher(text)).toThrow(message);
  });
});

describe('formatMatcher', () => {
  it('quotes the value as Alertmanager prints matchers', () => {
    expect(formatMatcher({ name: 'site', op: '=~', value: 'skt-.*' })).toBe('site=~"skt-.*"');
    expect(formatMatcher({ name: 'x', op: '!=', value: 'a"b\\c\nd' })).toBe(String.raw`x!="a\"b\\c\nd"`);
  });

  it.each<Matcher>([
    { name: 'site', op: '=', value: '' },
    { name: 'cell', op: '=~', value: String.raw`skt\.1\d+` },
    { name: 'x', op: '!=', value: 'quote " backslash \\ newline \n end\\' },
    { name: 'y', op: '!=', value: ' padded ' },
  ])('round-trips through parseMatcher: %j', (m) => {
    expect(parseMatcher(formatMatcher(m))).toEqual(m);
  });
});

describe('matchesAll', () => {
  const m = (text: string) => [parseMatcher(text)];

  it('anchors regexes at both ends, around the whole alternation', () => {
    expect(matchesAll(m('site=~"skt"'), { site: 'skt-1' })).toBe(false);
    expect(matchesAll(m('site=~"skt-.*"'), { site: 'skt-1' })).toBe(true);
    expect(matchesAll(m('site=~"kt-1"'), { site: 'skt-1' })).toBe(false);
    expect([matchesAll(m('site=~"a|b"'), { site: 'a' }), matchesAll(m('site=~"a|b"'), { site: 'ab' })]).toEqual([true, false]);
    expect(matchesAll(m('site!~"skt"'), { site: 'skt-1' })).toBe(true);
  });

  it('compares values exactly for = and !=', () => {
    expect([matchesAll(m('site="skt-1"'), { site: 'skt-1' }), matchesAll(m('site="skt-1"'), { site: 'skt-10' })]).toEqual([true, false]);
    expect([matchesAll(m('site!="skt-1"'), { site: 'skt-1' }), matchesAll(m('site!="skt-1"'), { site: 'skt-10' })]).toEqual([false, true]);
  });

  it('treats a missing label as the empty value', () => {
    expect(matchesAll(m('site!="x"'), {})).toBe(true);
    expect(matchesAll(m('site=""'), {})).toBe(true);
    expect(matchesAll(m('site="x"'), {})).toBe(false);
    expect(matchesAll(m('site=~".*"'), {})).toBe(true);
    expect(matchesAll(m('site=~".+"'), {})).toBe(false);
    expect(matchesAll(m('site!~".+"'), {})).toBe(true);
    expect(matchesAll(m('constructor=""'), {})).toBe(true);
  });

  it('requires every matcher, and holds for none', () => {
    const both = [parseMatcher('site="s1"'), parseMatcher('cell=~"c.*"')];
    expect(matchesAll(both, { site: 's1', cell: 'c1' })).toBe(true);
    expect(matchesAll(both, { site: 's1', cell: 'x1' })).toBe(false);
    expect(matchesAll([], {})).toBe(true);
  });
});
