import { TestEnvironment as NodeEnvironment } from 'jest-environment-node';
import { disposeIsolations, isolationsMadeIn } from './isolation-cleanup';

/**
 * The integration tests' Jest environment: Node's, plus the removal of the topics and databases of every
 * isolation a test file made (stack.ts remembers them), once the file is done. Done here rather than in an
 * afterAll hook because this runs after all of them, so after the file's own hooks have stopped the
 * services using those topics and databases, in whatever order and describe block they were declared.
 * A failure is reported, not thrown: global-teardown.ts fails the run for anything left behind.
 */
export default class IsolationEnvironment extends NodeEnvironment {
  override async teardown(): Promise<void> {
    const made = isolationsMadeIn(this.global);
    try {
      await disposeIsolations(made);
    } catch (error) {
      process.stderr.write(`[test-hygiene] could not remove the topics and databases of ${made.join(', ')}: ${(error as Error).message}\n`);
    }
    await super.teardown();
  }
}
