// `soundlab serve SITE [--port N]`: serve an exported site on localhost until interrupted.
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nonNegativeInt } from './options';
import { serveSite } from '../web/serve';
import { consoleIo, type CliIo } from './io';

/** Starts the server and prints its address; resolves once it listens (the process then keeps running). */
export async function runServe(dir: string, opts: { port: number; host: string }, io: CliIo = consoleIo) {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir}: no index.html (write a site with \`soundlab export-web --model DIR --out ${dir}\`)`);
  const server = await serveSite(dir, opts);
  io.out(`serving ${dir} on ${server.url} (Ctrl-C to stop)`);
  return server;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve a folder written by `soundlab export-web` on localhost (static files, correct MIME types).')
    .argument('<site_dir>', 'the site folder')
    .option('--port <n>', 'TCP port (0 = any free port)', nonNegativeInt('--port'), 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(async (dir: string, opts: { port: number; host: string }) => {
      await runServe(dir, opts);
    });
}
