/**
 * Fault points for crash tests. `AIRAN_FAULT_POINT=<name>@<n>` ends the process with SIGKILL, as a power
 * cut would, on the n-th pass through the point named <name>, so a test crashes a service exactly where
 * a guarantee is at stake instead of hoping that a random kill lands there. Unset (always, outside
 * tests), a pass costs one comparison.
 */
const ARMED = parseFaultPoint(process.env.AIRAN_FAULT_POINT);
let passes = 0;

export function parseFaultPoint(raw: string | undefined): { readonly name: string; readonly pass: number } | null {
  if (raw === undefined || raw === '') return null;
  const match = /^([a-z][a-z0-9.-]*)@([1-9][0-9]*)$/.exec(raw);
  if (!match) throw new Error(`AIRAN_FAULT_POINT must be <name>@<n> (n from 1), for example outbox.published@2; got "${raw}"`);
  return { name: match[1], pass: Number(match[2]) };
}

export function faultPoint(name: string): void {
  if (ARMED?.name !== name || ++passes !== ARMED.pass) return;
  process.kill(process.pid, 'SIGKILL');
}
