import { processExists, sweepLeftovers } from './isolation-cleanup';
import { takeStartedInfra } from './test-infra';

/**
 * After the integration suite: proves that the test files removed the topics and databases they made,
 * removes whatever is left (theirs, and that of runs that died meanwhile), then stops the containers
 * global-setup.ts started (the local broker stays, as before). Anything of this run still there, or no
 * way to look, fails the run: by its exit code rather than an exception, so that Jest still writes its results.
 */
export default async function globalTeardown(): Promise<void> {
  try {
    const swept = await sweepLeftovers({ pid: process.pid, now: Date.now(), processExists });
    const leaked = swept.filter((r) => r.isolation.ownerPid === process.pid);
    if (leaked.length > 0) {
      fail(
        `the test files left ${leaked.length} topics and databases behind (removed now):\n` +
          leaked.map((r) => `  ${r.kind} ${r.name}\n`).join('') +
          '(a removal that failed is reported above; a service still running after its test file can make topics again)',
      );
    }
  } catch (error) {
    fail(`could not check for topics and databases left behind: ${(error as Error).message}`);
  } finally {
    await takeStartedInfra()?.stop();
  }
}

function fail(message: string): void {
  process.stderr.write(`\n[test-hygiene] FAILED: ${message}\n\n`);
  process.exitCode = 1;
}
