import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DprocError, ERROR_CODES } from '../../shared/errors.ts';
import { EXIT_CODES } from '../../shared/states.ts';
import { Engine, prepareRun, type PreparedRun, type RunOverrides } from '../engine/engine.ts';
import { formatJobError, jobProblems } from '../engine/job/format-job-error.ts';
import { loadJob } from '../engine/job/load-job.ts';
import { resolveDataDir } from '../engine/store/data-dir.ts';
import { continueCommand } from './commands/continue-run.ts';
import { runsCommand, showCommand } from './commands/inspect.ts';
import { runCommand } from './commands/run.ts';
import { parsePort, type ServeCommandOptions } from './commands/serve-options.ts';
import { validateCommand } from './commands/validate.ts';
import { relaunchWithPlan, takeHandedOverPlan, wantsHeapFlags, type Launch } from './launch.ts';
import { tolerateClosedStdout } from './output/closed-stdout.ts';

export { HEAP_FLAGS_FROM_TASKS, type Launch } from './launch.ts';

const JOB_ERROR_CODES = new Set<string>([
  ERROR_CODES.JOB_SYNTAX,
  ERROR_CODES.JOB_SCHEMA,
  ERROR_CODES.DUPLICATE_ID,
  ERROR_CODES.UNKNOWN_DEPENDENCY,
  ERROR_CODES.CYCLE,
  ERROR_CODES.PROCESSOR_NOT_FOUND,
  ERROR_CODES.FOREACH_EMPTY,
  ERROR_CODES.JOB_NOT_FOUND,
  ERROR_CODES.USAGE,
]);

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

const dataDirOption = () => new Option('--data-dir <dir>', 'where runs are stored (default: $DPROC_DATA_DIR, $XDG_DATA_HOME/dproc or ~/.local/share/dproc)');
const jsonOption = () => new Option('--json', 'print one JSON document on stdout instead of text');
const plainOption = () => new Option('--plain', 'print a line per state change even on a terminal');

interface CommonOpts {
  dataDir?: string;
  json?: boolean;
  plain?: boolean;
}

async function withEngine(opts: CommonOpts, fn: (engine: Engine) => Promise<number> | number): Promise<number> {
  const engine = Engine.open({ dataDir: resolveDataDir({ dataDir: opts.dataDir }), defaultOnFailure: 'fail' });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/**
 * `dproc run`: the job is parsed before the store is opened, so that a big one relaunches with the heap
 * flags before anything is recorded, and so that the executors hear what starts first (prepareRun) while
 * the store opens and the run is created.
 */
async function runJob(job: string, overrides: RunOverrides, opts: CommonOpts, launch: Launch | undefined): Promise<number> {
  const plan = takeHandedOverPlan(job, overrides) ?? (await loadJob(job, overrides));
  if (wantsHeapFlags(launch, plan.tasks.length)) return relaunchWithPlan(launch, job, overrides, plan);
  const prepared: PreparedRun = prepareRun(plan, overrides, 'fail');
  let engine: Engine;
  try {
    engine = Engine.open({ dataDir: resolveDataDir({ dataDir: opts.dataDir }), defaultOnFailure: 'fail' });
  } catch (err) {
    await prepared.executors.close();
    throw err;
  }
  try {
    return await runCommand(engine, prepared, opts);
  } finally {
    await engine.close();
  }
}

/** `dproc resume|retry|skip`: a big stored run is continued with the heap flags (see launch.ts). */
async function continueRun(runId: string, controls: { retry?: string[]; skip?: string[] }, opts: CommonOpts, launch: Launch | undefined): Promise<number> {
  const engine = Engine.open({ dataDir: resolveDataDir({ dataDir: opts.dataDir }), defaultOnFailure: 'fail' });
  let relaunch = false;
  try {
    // An unknown run id falls through to continueCommand, which reports it.
    relaunch = engine.store.hasRun(runId) && wantsHeapFlags(launch, engine.store.getRunSummary(runId).taskCount);
    if (!relaunch) return await continueCommand(engine, runId, controls, opts);
  } finally {
    await engine.close();
  }
  return launch!.relaunch();
}

/**
 * Builds the `dproc` program; `run` resolves with the process exit code. `launch`: what bin/dproc.js
 * says of this process (absent when the CLI runs some other way: then it never relaunches).
 */
export function buildProgram(setExitCode: (code: number) => void, launch?: Launch): Command {
  const program = new Command('dproc')
    .description('Distributed Processor: run data-processing jobs as a DAG of isolated, parallel regions and an aggregate.')
    .version('0.1.0')
    .showHelpAfterError('(run "dproc --help" for usage)')
    .exitOverride();
  program.addHelpText(
    'after',
    `
Exit codes: 0 COMPLETE, 2 PARTIAL, 1 FAILED (or needs attention), 3 invalid job file or usage, 130 interrupted.
Examples:
  dproc run examples/sales-by-region/sales-by-region.job.yaml
  dproc run my.job.yaml --concurrency 4 --on-failure skip --json > result.json
  dproc runs
  dproc resume 20261124-003800-7f3a9c`,
  );

  program
    .command('run')
    .description('validate JOB, record a new run and run it to its end')
    .argument('<job>', 'job file (.yaml, .yml or .json)')
    .option('-c, --concurrency <n>', 'attempts running at once (default: the job file, else the number of cores)', positiveInt)
    .addOption(new Option('--on-failure <policy>', 'what a task that used up its retries does to the run').choices(['fail', 'skip']))
    .addOption(dataDirOption())
    .addOption(jsonOption())
    .addOption(plainOption())
    .action(async (job: string, opts: CommonOpts & RunOverrides) =>
      setExitCode(await runJob(job, { concurrency: opts.concurrency, onFailure: opts.onFailure }, opts, launch)),
    );

  program
    .command('validate')
    .description('check a job file (syntax, types, ids, blockedBy, cycles, processors, foreach) without running it')
    .argument('<job>', 'job file')
    .addOption(jsonOption())
    .action(async (job: string, opts: CommonOpts) => setExitCode(await validateCommand(job, {}, opts)));

  program
    .command('runs')
    .description('list recent runs with their state and task counts')
    .option('-n, --limit <n>', 'how many runs', positiveInt, 20)
    .addOption(dataDirOption())
    .addOption(jsonOption())
    .action(async (opts: CommonOpts & { limit: number }) => setExitCode(await withEngine(opts, (e) => runsCommand(e, opts))));

  program
    .command('show')
    .description('show a stored run: every task with its states, and the results (same JSON as run --json)')
    .argument('<run-id>')
    .addOption(dataDirOption())
    .addOption(jsonOption())
    .action(async (runId: string, opts: CommonOpts) => setExitCode(await withEngine(opts, (e) => showCommand(e, runId, opts))));

  program
    .command('resume')
    .description('finish an interrupted or cancelled run: completed tasks are kept, in-flight attempts run again')
    .argument('<run-id>')
    .addOption(dataDirOption())
    .addOption(jsonOption())
    .addOption(plainOption())
    .action(async (runId: string, opts: CommonOpts) => setExitCode(await continueRun(runId, {}, opts, launch)));

  const controls = {
    retry: 'run FAILED, SKIPPED, UPSTREAM_FAILED or CANCELLED tasks again (with their downstream), then continue the run',
    skip: 'give up on tasks: they become SKIPPED and their downstream runs with partial input',
  } as const;
  for (const [action, description] of Object.entries(controls) as [keyof typeof controls, string][]) {
    program
      .command(action)
      .description(description)
      .argument('<run-id>')
      .argument('<task-id...>')
      .addOption(dataDirOption())
      .addOption(jsonOption())
      .addOption(plainOption())
      .action(async (runId: string, tasks: string[], opts: CommonOpts) => setExitCode(await continueRun(runId, { [action]: tasks }, opts, launch)));
  }

  program
    .command('serve')
    .description('serve the app to a browser on this machine: launch jobs, watch them live, retry or skip regions')
    .option('--host <host>', 'interface to listen on; anything but loopback lets other machines connect', '127.0.0.1')
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', parsePort, 8765)
    .addOption(dataDirOption())
    .option('--workspace <dir>', 'folder searched for *.job.yaml|yml|json; the browser may open jobs only there and in examples/ (default: the current folder)')
    .option('--no-open', 'do not open a browser (it opens only when run in a terminal)')
    .addHelpText(
      'after',
      `
Prints http://127.0.0.1:PORT/?token=<secret>: the token (new each start) is needed for every request.
Needs the built app ("npm run build" writes out/renderer). Runs use onFailure "wait" unless the job sets one.
Ctrl+C stops the server: runs still going become INTERRUPTED (not cancelled) and "dproc resume" continues them.`,
    )
    .action(async (opts: ServeCommandOptions) => {
      // A server may drive any number of big runs: it always runs with the heap flags.
      if (launch && launch.missingHeapFlags.length > 0) return setExitCode(await launch.relaunch());
      // Loaded on use: the server (node:http, ws, the API handlers) is a third of the CLI's modules, and
      // an ESM import of node:http alone loads Node's fetch implementation (~25 ms).
      setExitCode(await (await import('./commands/serve.ts')).serveCommand(opts));
    });
  return program;
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code; never throws.
 * `launch`: from bin/dproc.js (see Launch); without it the CLI runs here whatever the job's size.
 */
export async function main(argv: string[], launch?: Launch): Promise<number> {
  tolerateClosedStdout();
  let code = 0;
  const program = buildProgram((c) => (code = c), launch);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : EXIT_CODES.USAGE;
    }
    if (err instanceof DprocError && JOB_ERROR_CODES.has(err.code)) {
      process.stderr.write(`${formatJobError(err)}\n`);
      const n = jobProblems(err).length;
      process.stderr.write(`dproc: the job file is invalid (${n} problem${n === 1 ? '' : 's'}); nothing was run or stored\n`);
      return EXIT_CODES.USAGE;
    }
    const e = err as Error & { code?: string };
    process.stderr.write(`dproc: ${e.message ?? String(err)}${e.code && !String(e.message).includes(e.code) ? ` [${e.code}]` : ''}\n`);
    if (process.env.DPROC_DEBUG && e.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT_CODES.FAILED;
  }
}

/**
 * When bin/dproc.js re-ran this CLI in a child process, it keeps an IPC channel open to it. If the
 * launcher dies, even by SIGKILL, the channel closes: stop as on SIGTERM (a run is cancelled, resumable)
 * instead of running on with no parent.
 */
export function stopWithLauncher(): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

if (import.meta.main) {
  stopWithLauncher();
  process.exitCode = await main(process.argv.slice(2));
}
