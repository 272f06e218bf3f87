/**
 * The `rkcheck` command line. Exit codes: 0 every property holds (or the trace
 * reproduces), 1 a property is violated (or the trace does not reproduce), 2 bad input,
 * 3 a limit was reached before a verdict.
 */
import { Command, CommanderError, Option } from 'commander'
import { InputError, oneLine } from '../checker/errors.ts'
import { TOOL_VERSION } from '../checker/version.ts'
import { checkCommand } from './check-command.ts'
import { experimentCommand } from './experiment-command.ts'
import { listCommand } from './list-command.ts'
import { replayCommand } from './replay-command.ts'
import { shrinkCommand } from './shrink-command.ts'
import { simulateCommand } from './simulate-command.ts'
import { verifyCommand } from './verify-command.ts'
import { viewCommand } from './view-command.ts'

const collect = (v: string, acc: string[]): string[] => [...acc, v]

function program(setExit: (code: number) => void): Command {
  const p = new Command('rkcheck')
    .description('model checker and timed simulator for replicated-kernel OS protocols')
    .version(TOOL_VERSION)
    .exitOverride()
    // every error is one line: commander's suggestion joins the line it follows, a line
    // break in what the user typed is shown escaped
    .configureOutput({
      writeErr: (s) =>
        process.stderr.write(
          s.startsWith('error: ') ? `rkcheck: ${oneLine(s.slice(7).replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)').replace(/\n$/, ''))}\n` : s,
        ),
    })
    .showSuggestionAfterError(true)

  p.command('list')
    .description('models, their parameters (with defaults) and mutations')
    .action(() => setExit(listCommand()))

  p.command('check')
    .description('explore every reachable state of a model and check its properties')
    .argument('[model]', 'a built-in model (rkcheck list)')
    .option('-p, --param <k=v>', 'set a parameter (repeatable): integers, true/false, enum names, inf', collect, [])
    .option('--mutate <name>', 'apply a mutation (repeatable)', collect, [])
    .option('--property <name>', 'check only this property (repeatable; default: all)', collect, [])
    .option('--liveness <name>', 'check this liveness property too (repeatable)', collect, [])
    .option('--fair <unit>', "a fair unit (actor), * for any text: --fair 'vCPU *' (repeatable)", collect, [])
    .option('--fairness <kind>', 'weak or strong fairness of the --fair units (default weak)')
    .option('--model-file <file>', 'load a model from a .ts or .js file (default export)')
    .option('--bfs', 'breadth-first search: shortest counterexample (default)')
    .option('--dfs', 'depth-first search')
    .option('--max-states <n>', 'explore at most this many distinct states (verdict limit, exit 3, when there are more)')
    .option('--max-depth <n>', 'do not expand states deeper than this (verdict limit, exit 3)')
    .option('--time-limit <s>', 'stop after this many seconds (verdict limit, exit 3)')
    .option('--memory-limit <size>', 'stop when resident memory reaches this: 4G, 512M, 50% (default: half of the machine\'s memory; verdict limit, exit 3)')
    .option('--frontier-memory <size>', 'keep at most this much of the frontier in memory, the rest in a temporary folder: 1G, 256M, 10% (default: a quarter of the memory limit); searches on one worker, as a parallel search keeps its frontier in memory')
    .option('--workers <n>', "worker threads of a breadth-first search (default: the machine's cores; DFS, liveness, measures and --representation objects use one)")
    .option('--no-deadlock', 'do not report states without enabled actions')
    .addOption(
      new Option('--representation <how>', 'frontier of encoded state vectors, or of immutable state objects (immer next)')
        .choices(['vectors', 'objects'])
        .default('vectors'),
    )
    .option('--trace-out <file>', 'where to write the counterexample (default: traces/MODEL[@FILE][.MUTATIONS][.PARAM=VALUE...].PROPERTY[.FAIRNESS].itf.json)')
    .option('--json <file>', 'write the result and statistics as JSON')
    .option('--witness-dir <dir>', 'write a trace to the largest value of each measure into this folder')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (model: string | undefined, o) => setExit(await checkCommand(model, o)))

  p.command('simulate')
    .description('random runs driven by fast-check; a violation is shrunk and written as a trace')
    .argument('[model]', 'a built-in model (rkcheck list)')
    .option('-p, --param <k=v>', 'set a parameter (repeatable)', collect, [])
    .option('--mutate <name>', 'apply a mutation (repeatable)', collect, [])
    .option('--property <name>', 'check only this property (repeatable; default: all)', collect, [])
    .option('--model-file <file>', 'load a model from a .ts or .js file (default export)')
    .option('--runs <n>', 'number of random runs', '1000')
    .option('--depth <n>', 'most steps in a run', '100')
    .option('--seed <n>', 'seed of the random runs (default: a random one, printed)')
    .option('--time-limit <s>', 'stop after this many seconds (verdict limit, exit 3)')
    .option('--memory-limit <size>', 'stop when resident memory reaches this: 4G, 512M, 50% (default: half of the machine\'s memory; verdict limit, exit 3)')
    .option('--no-deadlock', 'do not report states without enabled actions')
    .option('--trace-out <file>', 'where to write the shrunk counterexample (default: the name check gives it, ending in .sim.itf.json)')
    .option('--json <file>', 'write the result and statistics as JSON')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (model: string | undefined, o) => setExit(await simulateCommand(model, o)))

  p.command('shrink')
    .description('minimize a violating trace: fewer steps, fewer actors, the same property failing')
    .argument('<trace>', 'an ITF trace file (.itf.json) that records a violated property')
    .option('--out <file>', 'where to write the shrunk trace (default: TRACE with .shrunk.itf.json)')
    .option('--model-file <file>', 'load the model the trace names from this file (its code runs)')
    .action(async (file: string, o) => setExit(await shrinkCommand(file, o)))

  p.command('replay')
    .description('re-execute an ITF trace, confirming every step, state and the recorded violation')
    .argument('<trace>', 'an ITF trace file (.itf.json)')
    .option('-v, --verbose', 'print every step')
    .option('--timed', 'time every step with the timed executor: timeline, busy time, messages, critical path')
    .option('--costs <profile>', 'cost profile for --timed (default: the first that prices the model)')
    .option('--svg <file>', 'with --timed: also draw the timeline as an SVG picture')
    .option('--trace-out <file>', 'with --timed: write the trace with every step\'s start and end (for rkcheck view)')
    .option('--model-file <file>', 'the model file of a trace written from one (a trace alone never runs code)')
    .action(async (file: string, o) => setExit(await replayCommand(file, o)))

  p.command('view')
    .description('write a self-contained HTML page: the trace as a sequence chart, and its states')
    .argument('<trace>', 'an ITF trace file (.itf.json)')
    .option('--out <file>', 'the page to write (default: the trace path with .html)')
    .option('--model-file <file>', 'load the model the trace names from this file (its code runs)')
    .action(async (file: string, o) => setExit(await viewCommand(file, o)))

  p.command('experiment')
    .description('run a performance experiment of the timed executor: table, JSON, SVG plot (no name: list them)')
    .argument('[name]', 'the experiment (rkcheck experiment lists them)')
    .option('--out <dir>', 'folder for NAME.json and NAME.svg', 'results')
    .option('--seed <n>', 'seed of the executor\'s random choices', '1')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (name: string | undefined, o) => setExit(await experimentCommand(name, o)))

  p.command('verify')
    .description('run every proof of a suite and compare each outcome with the expected one')
    .option('--suite <name>', 'ci or full', 'ci')
    .option('--json <file>', 'write the results as JSON')
    .option('--trace-dir <dir>', 'also write every counterexample found to this folder')
    .option('--filter <prefix>', 'run only the configurations whose id starts with this (e.g. lamport/)')
    .option('--params', 'show each configuration\'s parameters in the table')
    .option('--junit <file>', 'write a JUnit XML report (a changed outcome is a failure naming its trace)')
    .option('-j, --jobs <n>', 'configurations run at once, each in a worker thread (default: the machine\'s cores)')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (o) => setExit(await verifyCommand(o)))

  return p
}

// A closed pipe (`rkcheck list | head`) ends the output quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw e
})

async function main(argv: readonly string[]): Promise<number> {
  let code = 0
  try {
    await program((c) => (code = c)).parseAsync([...argv], { from: 'user' })
    return code
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; every usage error is bad input (commander printed the line)
      return e.exitCode === 0 ? 0 : 2
    }
    if (e instanceof InputError) {
      process.stderr.write(`rkcheck: ${e.message}\n`)
      return 2
    }
    const err = e as Error
    process.stderr.write(`rkcheck: ${err.name === 'Error' ? '' : `${err.name}: `}${err.message.split('\n')[0]}\n`)
    if (process.env['RKCHECK_DEBUG']) process.stderr.write(`${err.stack}\n`)
    return 2
  }
}

process.exitCode = await main(process.argv.slice(2))
