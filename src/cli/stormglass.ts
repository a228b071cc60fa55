// Entry point of the built CLI (dist/cli/stormglass.js, started by bin/stormglass.js).
import { runCli } from './main.ts';

process.exitCode = await runCli(process.argv.slice(2));
