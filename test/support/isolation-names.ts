/**
 * How a test isolation's topics and database are named (see stack.ts), and which of those found on the
 * broker or the server are leftovers. An id says when it was made and which process owns it:
 *
 *   t<ms since epoch, base 36>_<owner pid, base 36>_<random hex>     e.g. tmxbalyyv_39u_0594a8
 *   topics     <id>.<contract name>          e.g. tmxbalyyv_39u_0594a8.airan.telemetry.v1
 *   database   airan_<id>                    (the services take letters, digits and _ in a database name)
 *
 * The owner is the process that disposes of the isolation at the end of its run: the Jest main process
 * (global-setup.ts hands its pid down to the workers in RUN_OWNER_ENV), or a bench's own process. While
 * it lives the isolation may be in use, so a run sweeping up after crashed ones never touches the
 * resources of a run going on in parallel. Nothing else matches: not the topics of a developer's
 * `npm run up` stack (`airan.*`) nor its database `airan`.
 */

/** The variable that carries the Jest main process's pid to the workers, whose isolations it owns. */
export const RUN_OWNER_ENV = 'AIRAN_TEST_RUN_PID';

/**
 * Ids made before they named an owner (`t<ms base 36><6 hex>`), as a checkout from before this clean-up
 * still makes them: one isolation lives as long as one test file runs, far less than a day, so one a day
 * old is a leftover. For the topics and databases that had accumulated.
 */
export const OWNERLESS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface IsolationName {
  readonly id: string;
  readonly createdAt: number;
  /** Absent for ids made before owners were recorded. */
  readonly ownerPid?: number;
}

const ID = /^t([0-9a-z]+)_([0-9a-z]+)_([0-9a-f]+)$/;
const OWNERLESS_ID = /^t([0-9a-z]{8})[0-9a-f]{6}$/;
const DATABASE_PREFIX = 'airan_';

export function isolationId(createdAt: number, ownerPid: number, randomHex: string): string {
  return `t${createdAt.toString(36)}_${ownerPid.toString(36)}_${randomHex}`;
}

export function parseIsolationId(id: string): IsolationName | undefined {
  const owned = ID.exec(id);
  if (owned) return { id, createdAt: parseInt(owned[1], 36), ownerPid: parseInt(owned[2], 36) };
  const ownerless = OWNERLESS_ID.exec(id);
  return ownerless ? { id, createdAt: parseInt(ownerless[1], 36) } : undefined;
}

export const topicPrefixOf = (id: string): string => `${id}.`;
export const databaseOf = (id: string): string => `${DATABASE_PREFIX}${id}`;

/** The isolation a topic belongs to, if a test made it. */
export function isolationOfTopic(topic: string): IsolationName | undefined {
  const dot = topic.indexOf('.');
  return dot > 0 ? parseIsolationId(topic.slice(0, dot)) : undefined;
}

/** The isolation a database belongs to, if a test made it. */
export function isolationOfDatabase(database: string): IsolationName | undefined {
  return database.startsWith(DATABASE_PREFIX) ? parseIsolationId(database.slice(DATABASE_PREFIX.length)) : undefined;
}

export interface Sweeper {
  /** The sweeping run's owner pid: called at global setup or teardown, none of its isolations is in use. */
  readonly pid: number;
  readonly now: number;
  readonly processExists: (pid: number) => boolean;
}

/**
 * Whether nothing can still be using an isolation: its owner is the sweeping run itself (at the start,
 * a namesake that died before it; at the end, its own run, all test files done) or a process that is gone.
 */
export function isLeftover(isolation: IsolationName, sweeper: Sweeper): boolean {
  if (isolation.ownerPid === undefined) return sweeper.now - isolation.createdAt > OWNERLESS_MAX_AGE_MS;
  return isolation.ownerPid === sweeper.pid || !sweeper.processExists(isolation.ownerPid);
}
