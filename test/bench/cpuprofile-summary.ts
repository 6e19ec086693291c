/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): the functions with the most self time and the
 * most total time (a function counted once per sample however deep it recurses), and self time by
 * module (the package under node_modules, or the repository file), so a profile reads in a terminal.
 *
 *   node dist/test/bench/cpuprofile-summary.js <file.cpuprofile | dir> [--top 25]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly file: string;
  readonly wallMs: number;
  /** Sampled time not idle, not (program) and not GC: JavaScript and native calls on the main thread. */
  readonly busyMs: number;
  readonly gcMs: number;
  readonly idleMs: number;
  readonly self: ReadonlyArray<{ name: string; ms: number }>;
  readonly total: ReadonlyArray<{ name: string; ms: number }>;
  readonly modules: ReadonlyArray<{ name: string; ms: number }>;
}

/** node_modules/<pkg> (or @scope/pkg), a repository path under dist/, node:internal, or a V8 pseudo-frame. */
function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node:internal';
  const dist = /\/dist\/(.+)$/.exec(url);
  return dist ? dist[1] : url.replace(/^file:\/\//, '');
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (!url) return functionName || '(anonymous)';
  const where = /node_modules\/(.+)$/.exec(url)?.[1] ?? /\/dist\/(.+)$/.exec(url)?.[1] ?? url.replace(/^node:/, 'node:');
  return `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
}

export function summarise(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const modules = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let idle = 0;
  let gc = 0;
  let program = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute the gap after a sample to it (V8's own convention in DevTools).
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const leaf = byId.get(profile.samples[i])!;
    const name = leaf.callFrame.functionName;
    if (name === '(idle)') idle += ms;
    else if (name === '(garbage collector)') gc += ms;
    else if (name === '(program)') program += ms;
    add(self, frameName(leaf), ms);
    add(modules, moduleOf(leaf.callFrame.url, name), ms);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id)!;
      if (node.callFrame.functionName === '(root)') continue;
      const key = frameName(node);
      if (!seen.has(key)) {
        seen.add(key);
        add(total, key, ms);
      }
    }
  }
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, ms: Math.round(ms) }));
  const ignore = new Set(['(idle)', '(program)', '(garbage collector)']);
  return {
    file,
    wallMs: Math.round(wallMs),
    busyMs: Math.round(wallMs - idle - program - gc),
    gcMs: Math.round(gc),
    idleMs: Math.round(idle),
    self: sorted(self),
    total: sorted(new Map([...total].filter(([k]) => !ignore.has(k)))),
    modules: sorted(modules),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const pct = (ms: number) => `${((100 * ms) / Math.max(1, s.wallMs)).toFixed(1)}%`;
  const table = (title: string, rows: ReadonlyArray<{ name: string; ms: number }>) =>
    [`${title}`, ...rows.map((r) => `  ${String(r.ms).padStart(7)} ms ${pct(r.ms).padStart(6)}  ${r.name}`)].join('\n');
  return [
    `${basename(s.file)}: wall ${s.wallMs} ms, busy ${s.busyMs} ms, GC ${s.gcMs} ms, idle ${s.idleMs} ms`,
    table('self time by module', s.modules),
    table('self time', s.self),
    table('total time (inclusive)', s.total),
  ].join('\n');
}

export function profilesIn(path: string): string[] {
  return statSync(path).isDirectory() ? readdirSync(path).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(path, f)) : [path];
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  if (args.length === 0) {
    process.stderr.write('usage: node dist/test/bench/cpuprofile-summary.js <file.cpuprofile | dir> [--top N]\n');
    process.exit(2);
  }
  for (const file of args.flatMap(profilesIn)) process.stdout.write(`${formatSummary(summarise(file, top))}\n\n`);
}
