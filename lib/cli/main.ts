// soundlab's command-line entry point: one subcommand per module in lib/cli.
import { Command } from 'commander';
import { register as registerNotebooks } from './notebooks';
import { register as registerInfo } from './info';
import { register as registerFeatures } from './features';
import { register as registerEvaluate } from './evaluate';
import { register as registerSweep } from './sweep';
import { register as registerTrain } from './train';
import { register as registerPredict } from './predict';
import { register as registerExportWeb } from './export-web';
import { register as registerServe } from './serve';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('soundlab')
    .description('Audio classification the UrbanSound8K-tutorial way: load, featurize, train, predict, report.')
    .showHelpAfterError();
  // Each command module registers itself here (one line per command).
  registerNotebooks(program);
  registerInfo(program);
  registerFeatures(program);
  registerEvaluate(program);
  registerSweep(program);
  registerTrain(program);
  registerPredict(program);
  registerExportWeb(program);
  registerServe(program);
  return program;
}

export async function run(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err: unknown) {
    console.error(`soundlab: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

if (require.main === module) void run();
