import type { ApiCase, Expectation } from './api-fuzz.fixture';
import { type Operation, type Parameter, validValue } from './api-fuzz.openapi';
import { type Random, breaksParameter, brokenText, pick } from './api-fuzz.values';

/** A valid body for an operation, sent along so that the broken path or query is the request's only fault. */
export type ValidBodyOf = (operation: Operation) => { readonly contentType: string; readonly body: string } | undefined;

/** Percent-encodings that decode to no text: a stray %, non-hex digits, bytes that are not UTF-8 (truncated, overlong, a surrogate, 0xFF). */
const MALFORMED_ENCODINGS = ['%', '%Z', '%ZZ', '%%41', '%C3', '%C3%28', '%E0%80%AF', '%ED%A0%80', '%FF'];
/** The router's MAX_PATH_PARAMETER_LENGTH (libs/http): a longer path parameter is refused before any route. */
const ROUTER_PARAMETER_LIMIT = 1024;
/** Query names no route declares: look-alikes of real ones are added per route. */
const UNKNOWN_NAMES = ['colour', 'page', 'offset', 'sort', 'callback', 'format', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'a[b]', 'x'.repeat(300), '%ZZ', encodeURIComponent('ü日本\u{1F4A5}'), '%00', '%0A'];

const tryDecode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/** Text longer (in UTF-16 units, as the router counts) than the router reads, its encoding well under the server's 16 KiB request line. */
function tooLongForTheRouter(random: Random): string {
  const unit = pick(random, ['a', '9', '\u{1F4A5}']);
  return unit.repeat(Math.ceil((ROUTER_PARAMETER_LIMIT + 1 + Math.floor(random() * 400)) / unit.length));
}

/** The operation's path with each parameter's value (raw, already encoded), or a valid one. */
function pathOf(op: Operation, raw: Readonly<Record<string, string>> = {}): string {
  return op.parameters.filter((p) => p.in === 'path').reduce((path, p) => path.replace(`{${p.name}}`, raw[p.name] ?? encodeURIComponent(validValue(p)!)), op.path);
}

/** The case, with the operation's valid body if it has one. */
function withBody(op: Operation, label: string, url: string, expect: Expectation, validBodyOf: ValidBodyOf): ApiCase {
  return { label, operation: op, url, expect, ...validBodyOf(op) };
}

/**
 * A request whose path breaks one parameter's schema (the others valid): odd, off-pattern or
 * over-long text, or an encoding that decodes to nothing. The route names the parameter; the router refuses
 * the URL itself when it does not decode or the parameter is too long to read.
 */
export function brokenPath(op: Operation, random: Random, validBodyOf: ValidBodyOf): ApiCase {
  const param = pick(random, op.parameters.filter((p) => p.in === 'path'));
  const roll = random();
  const raw =
    roll < 0.15
      ? `${pick(random, ['', 'a', encodeURIComponent(validValue(param)!)])}${pick(random, MALFORMED_ENCODINGS)}`
      : roll < 0.25
        ? tooLongForTheRouter(random)
        : // Never empty: an empty segment is another route (the list), not a broken parameter.
          brokenText(random, param.schema, (v) => v !== '' && breaksParameter(param.schema, v));
  const encoded = roll < 0.15 ? raw : encodeURIComponent(raw);
  const decoded = tryDecode(encoded);
  const expect: Expectation =
    decoded === undefined ? { codes: ['MALFORMED_URL'] } : decoded.length > ROUTER_PARAMETER_LIMIT ? { codes: ['URL_TOO_LONG'] } : { codes: ['INVALID_PATH_PARAMETER'], detail: `path.${param.name}` };
  return withBody(op, `path ${param.name}`, pathOf(op, { [param.name]: encoded }), expect, validBodyOf);
}

/** Kinds of breakage, weighted; a kind that cannot break this route's query (no parameters, none required) is drawn again. */
const QUERY_BREAKAGES = ['value', 'value', 'malformed', 'huge', 'unknown', 'unknown', 'repeated', 'missing'] as const;

/** What breaks a query: how, the parameter it names, the pair that breaks it (raw), and a required pair it replaces or drops. */
interface Poison {
  readonly kind: (typeof QUERY_BREAKAGES)[number];
  readonly name: string;
  readonly pair?: string;
  readonly drops?: string;
}

function drawPoison(declared: readonly Parameter[], random: Random): Poison {
  for (;;) {
    const kind = pick(random, QUERY_BREAKAGES);
    const poison = poisonOf(kind, declared, random);
    if (poison) return { kind, ...poison };
  }
}

function poisonOf(kind: Poison['kind'], declared: readonly Parameter[], random: Random): Omit<Poison, 'kind'> | undefined {
  const param = declared.length > 0 ? pick(random, declared) : undefined;
  switch (kind) {
    case 'value': {
      if (!param) return undefined;
      const value = brokenText(random, param.schema, (v) => breaksParameter(param.schema, v));
      // A bare name is an empty value, as is `name=`.
      return { name: param.name, pair: value === '' && random() < 0.5 ? param.name : `${param.name}=${encodeURIComponent(value)}`, drops: param.name };
    }
    case 'malformed': {
      // Whichever way the server reads a bad encoding (as sent, or with replacement characters), it must break the schema.
      const raw = `${pick(random, ['', 'a', '1'])}${pick(random, MALFORMED_ENCODINGS)}`;
      const readings = [raw, raw.replace(/%[0-9A-Fa-f]{0,2}/g, '\uFFFD')];
      const breakable = declared.filter((p) => readings.every((r) => breaksParameter(p.schema, r)));
      if (breakable.length === 0) return undefined;
      const target = pick(random, breakable);
      return { name: target.name, pair: `${target.name}=${raw}`, drops: target.name };
    }
    case 'huge': {
      if (!param) return undefined;
      // ASCII only, so the URL stays under the server's 16 KiB request line; as a number, Infinity or NaN.
      const value = pick(random, ['x', '9']).repeat(Math.max(param.schema.maxLength ?? 0, 1000) + 1 + Math.floor(random() * 4000));
      return breaksParameter(param.schema, value) ? { name: param.name, pair: `${param.name}=${value}`, drops: param.name } : undefined;
    }
    case 'unknown': {
      const lookAlikes = declared.flatMap((p) => [p.name.toUpperCase(), `${p.name}[]`, `${p.name}.x`, encodeURIComponent(` ${p.name}`), `${p.name}_`]);
      const raw = pick(random, [...UNKNOWN_NAMES, ...lookAlikes].filter((n) => !declared.some((p) => p.name === (tryDecode(n) ?? n))));
      return { name: tryDecode(raw) ?? raw, pair: `${raw}=${pick(random, ['1', '', 'true', '0123456789abcdef'])}` };
    }
    case 'repeated': {
      if (!param) return undefined;
      const copies = 2 + Math.floor(random() * 3);
      return { name: param.name, pair: Array.from({ length: copies }, () => `${param.name}=${encodeURIComponent(validValue(param) ?? 'x')}`).join('&'), drops: param.name };
    }
    case 'missing': {
      const required = declared.filter((p) => p.required);
      if (required.length === 0) return undefined;
      const { name } = pick(random, required);
      return { name, drops: name };
    }
  }
}

/**
 * A request whose query is broken one way, its required parameters otherwise valid: a value off its
 * schema (odd, empty, huge, or an encoding that decodes to nothing), a parameter the route does not
 * declare (look-alikes included: every route refuses those), one given more than once, or a required one missing.
 */
export function brokenQuery(op: Operation, random: Random, validBodyOf: ValidBodyOf): ApiCase {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const poison = drawPoison(declared, random);
  const pairs = declared.filter((p) => p.required && p.name !== poison.drops).map((p) => `${p.name}=${encodeURIComponent(validValue(p)!)}`);
  if (poison.pair !== undefined) pairs.splice(Math.floor(random() * (pairs.length + 1)), 0, poison.pair);
  return withBody(op, `query ${poison.kind} ${poison.name}`, `${pathOf(op)}?${pairs.join('&')}`, { codes: ['INVALID_QUERY'], detail: `query.${poison.name}` }, validBodyOf);
}
