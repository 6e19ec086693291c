/**
 * Preloaded into a process to profile it (`NODE_OPTIONS="--require <dist>/test/bench/profile-preload.js"`,
 * see load-profile.ts). Node 20 refuses `--cpu-prof` and `--heap-prof` in NODE_OPTIONS, so this starts
 * the same V8 profilers through the in-process inspector and writes their files at exit:
 *
 *   BENCH_CPU_PROFILE=<file>        V8 CPU profile (.cpuprofile; Chrome DevTools, cpuprofile-summary.js)
 *   BENCH_CPU_PROFILE_INTERVAL_US   its sampling interval (default 1000)
 *   BENCH_HEAP_PROFILE=<file>       sampling heap profile of what is still allocated at exit (.heapprofile)
 *   BENCH_MEMORY_FILE=<file>        process.memoryUsage() every 20 ms: the peak of each figure, the
 *                                   reading at the RSS peak (V8 heap, external buffers or native memory?)
 *                                   and a once-a-second timeline, as JSON
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

const cpuFile = process.env.BENCH_CPU_PROFILE;
const heapFile = process.env.BENCH_HEAP_PROFILE;
const memoryFile = process.env.BENCH_MEMORY_FILE;
const atExit: Array<() => void> = [];

if (cpuFile || heapFile) {
  const session = new Session();
  session.connect();
  // An in-process session answers synchronously, so the profiles can still be taken in an 'exit' handler.
  const post = (method: string, params?: object): unknown => {
    let result: unknown;
    let failure: Error | null = null;
    session.post(method, params ?? {}, (error, answer) => {
      failure = error;
      result = answer;
    });
    if (failure) throw failure;
    return result;
  };
  if (cpuFile) {
    post('Profiler.enable');
    post('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_CPU_PROFILE_INTERVAL_US ?? 1000) });
    post('Profiler.start');
    atExit.push(() => writeFileSync(cpuFile, JSON.stringify((post('Profiler.stop') as { profile: unknown }).profile)));
  }
  if (heapFile) {
    post('HeapProfiler.enable');
    post('HeapProfiler.startSampling', { samplingInterval: 32768 });
    atExit.push(() => writeFileSync(heapFile, JSON.stringify((post('HeapProfiler.stopSampling') as { profile: unknown }).profile)));
  }
}

if (memoryFile) {
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  const started = Date.now();
  const peaks = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  let atRssPeak: Record<string, number> = {};
  const timeline: Array<Record<string, number>> = [];
  let lastTimeline = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    for (const k of Object.keys(peaks) as Array<keyof typeof peaks>) peaks[k] = Math.max(peaks[k], usage[k]);
    const seconds = (Date.now() - started) / 1000;
    if (usage.rss >= peaks.rss) atRssPeak = { atSeconds: seconds, rss: mb(usage.rss), heapTotal: mb(usage.heapTotal), heapUsed: mb(usage.heapUsed), external: mb(usage.external), arrayBuffers: mb(usage.arrayBuffers) };
    if (Date.now() - lastTimeline >= 1000) {
      lastTimeline = Date.now();
      timeline.push({ s: Math.round(seconds * 10) / 10, rss: mb(usage.rss), heapUsed: mb(usage.heapUsed), heapTotal: mb(usage.heapTotal), external: mb(usage.external) });
    }
  };
  setInterval(sample, 20).unref();
  atExit.push(() => {
    sample();
    const peaksMb = Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, mb(v)]));
    writeFileSync(memoryFile, JSON.stringify({ peaksMb, atRssPeakMb: atRssPeak, timeline }, null, 1));
  });
}

if (atExit.length > 0) {
  process.on('exit', () => {
    for (const write of atExit) {
      try {
        write();
      } catch (error) {
        process.stderr.write(`profile-preload: ${(error as Error).message}\n`);
      }
    }
  });
}
