import { runKbBenchmark } from './kb.js';
import { runNluBenchmark } from './nlu.js';
import { runTurnBenchmark } from './turn.js';

/**
 * `npm run bench` runs every benchmark; `npm run bench -- turn --duration 5` runs the named ones
 * (the leading words) and passes the options after them to each. Exit code 1 if any failed.
 */

const benchmarks: Readonly<Record<string, (args: readonly string[]) => Promise<number>>> = {
  turn: runTurnBenchmark,
  nlu: runNluBenchmark,
  kb: runKbBenchmark,
};

const args = process.argv.slice(2);
const firstOption = args.findIndex((arg) => arg.startsWith('-'));
const names = firstOption === -1 ? args : args.slice(0, firstOption);
const options = firstOption === -1 ? [] : args.slice(firstOption);

const unknown = names.filter((name) => !Object.hasOwn(benchmarks, name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.map((name) => `"${name}"`).join(', ')}; available: ${Object.keys(benchmarks).join(', ')}.`);
  process.exit(2);
}

let failed = 0;
for (const name of names.length > 0 ? names : Object.keys(benchmarks)) {
  if ((await benchmarks[name]!(options)) !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
