import { takeStartedInfra } from './test-infra';

/** After the integration suite: stops the containers global-setup.ts started (the local broker stays, as before). */
export default async function globalTeardown(): Promise<void> {
  await takeStartedInfra()?.stop();
}
