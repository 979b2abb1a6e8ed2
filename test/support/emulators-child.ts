/**
 * Child process for the orphan-protection test: starts the emulators in memory, prints one JSON line with the
 * endpoints and the DynamoDB wrapper pid, then idles until it is killed.
 */
import { startEmulators } from '../../local/emulators';

const emulators = await startEmulators({ dataDir: null });
process.stdout.write(
  `${JSON.stringify({ endpoints: emulators.endpoints, dynamodbPid: emulators.dynamodbPid })}\n`,
);
setInterval(() => {}, 60_000);
