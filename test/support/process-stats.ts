import { readFileSync } from 'node:fs';

/** Resident set size (VmRSS) of a process in MiB; undefined once it is gone. */
export function rssMbOf(pid: number): number | undefined {
  return statusMb(pid, 'VmRSS');
}

/** Peak resident set size (VmHWM) of a process in MiB; undefined once it is gone. */
export function peakRssMbOf(pid: number): number | undefined {
  return statusMb(pid, 'VmHWM');
}

/**
 * Bytes a process has passed through read(2) and write(2) and the like (`rchar` + `wchar` of /proc/<pid>/io;
 * needs root or the same user). Node reads and writes its sockets this way, so the sum moves with a
 * process's network traffic (send(2) and recv(2), which Postgres uses, are not counted).
 */
export function bytesMovedOf(pid: number): number | undefined {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    return Number(/^rchar: (\d+)$/m.exec(io)?.[1]) + Number(/^wchar: (\d+)$/m.exec(io)?.[1]);
  } catch {
    return undefined;
  }
}

function statusMb(pid: number, field: string): number | undefined {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
