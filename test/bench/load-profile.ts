/**
 * The load phase of the bench alone, optionally profiled: runs benchLoad (load.bench.ts) with the
 * load process under the V8 CPU profiler and/or sampling heap profiler, and a memory sampler (all
 * started by profile-preload.js, which load.bench.ts hands to the load process alone through
 * NODE_OPTIONS), then prints the result, the peak memory figures and a summary of the CPU profile.
 *
 *   npm run build && node dist/test/bench/load-profile.js [--cells 100000] [--rounds 3] [--cpu-prof] [--heap-prof] [--out <dir>] [--env K=V ...]
 *
 * Defaults come from BENCH_CELLS and BENCH_ROUNDS like `npm run bench`. Everything lands in
 * `bench-results/load-profile-<time>/` (or --out): result.json, memory.json, load.cpuprofile, load.heapprofile,
 * summary.txt. Open a .cpuprofile in Chrome DevTools (Performance) or summarise it again with
 * cpuprofile-summary.js. The broker must be running (`bash deploy/local/kafka.sh start`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatSummary, profilesIn, summarise } from './cpuprofile-summary';
import { benchLoad } from './load.bench';

function parseArgs(argv: string[]) {
  const options = { cells: Number(process.env.BENCH_CELLS ?? 100_000), rounds: Number(process.env.BENCH_ROUNDS ?? 3), cpuProf: false, heapProf: false, out: '', env: {} as Record<string, string>, top: 25 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === '--cells') options.cells = Number(value());
    else if (arg === '--rounds') options.rounds = Number(value());
    else if (arg === '--cpu-prof') options.cpuProf = true;
    else if (arg === '--heap-prof') options.heapProf = true;
    else if (arg === '--out') options.out = value();
    else if (arg === '--top') options.top = Number(value());
    else if (arg === '--env') {
      const [k, ...v] = value().split('=');
      options.env[k] = v.join('=');
    } else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = resolve(options.out || join(__dirname, '../../../bench-results', `load-profile-${stamp}`));
  mkdirSync(dir, { recursive: true });
  const memoryFile = join(dir, 'memory.json');
  // Node 20 refuses --cpu-prof/--heap-prof in NODE_OPTIONS: the preload starts the same profilers itself.
  const profiling = {
    BENCH_MEMORY_FILE: memoryFile,
    ...(options.cpuProf ? { BENCH_CPU_PROFILE: join(dir, 'load.cpuprofile') } : {}),
    ...(options.heapProf ? { BENCH_HEAP_PROFILE: join(dir, 'load.heapprofile') } : {}),
  };
  const load = await benchLoad(options.cells, options.rounds, (done) => process.stderr.write(`\rload service [${'#'.repeat(Math.round(done * 30)).padEnd(30, '.')}]`), {
    nodeOptions: `--require ${join(__dirname, 'profile-preload.js')}`,
    env: { ...profiling, ...options.env },
    pgSampleMs: 50,
  });
  process.stderr.write('\n');
  const memory = JSON.parse(readFileSync(memoryFile, 'utf8')) as { peaksMb: Record<string, number>; atRssPeakMb: Record<string, number> };
  const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const result = { at: new Date().toISOString(), options, loadavg, load, memory: { peaksMb: memory.peaksMb, atRssPeakMb: memory.atRssPeakMb } };
  writeFileSync(join(dir, 'result.json'), JSON.stringify(result, null, 2));
  const lines = [
    `${load.phase}: ${Math.round(load.samplesPerSec).toLocaleString('en')} samples/s (${load.seconds.toFixed(1)} s, relayed at ${load.relayedSeconds?.toFixed(1)} s), ` +
      `${load.windowsClosed} windows, peak RSS ${load.peakRssMb.toFixed(0)} MB, CPU ${load.cpuSeconds?.toFixed(1)} s (Postgres backends ${load.pgCpuSeconds?.toFixed(1)} s), machine CPU busy ${((load.machineBusy ?? NaN) * 100).toFixed(0)} %`,
    `CPU seconds during the run: machine ${load.machineBusySeconds?.toFixed(1)} = load ${load.cpuSeconds?.toFixed(1)} (start-up included) + its Postgres backends ${load.pgCpuSeconds?.toFixed(1)} + Kafka broker ${load.brokerCpuSeconds?.toFixed(1)} + bench producer ${load.benchCpuSeconds?.toFixed(1)} + the rest`,
    `lag: ${load.lagSamples.join(' → ')}`,
    `memory peaks (MB): ${JSON.stringify(memory.peaksMb)}`,
    `at the RSS peak (MB): ${JSON.stringify(memory.atRssPeakMb)}`,
    ['Postgres backends, share of 50 ms samples seen active:', ...(load.pgActivity ?? []).map((a) => `  ${a.share.toFixed(3)}  ${a.what}`)].join('\n'),
    `step wall seconds: ${JSON.stringify(Object.fromEntries(Object.entries(load.steps ?? {}).map(([k, v]) => [k, Math.round(v * 100) / 100])))}`,
    ...(options.cpuProf ? profilesIn(dir).map((f) => formatSummary(summarise(f, options.top))) : []),
  ];
  writeFileSync(join(dir, 'summary.txt'), `${lines.join('\n\n')}\n`);
  process.stdout.write(`${lines.join('\n\n')}\n\nwritten to ${dir}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
