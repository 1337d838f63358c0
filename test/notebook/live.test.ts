// The live path a teacher takes: Jupyter Notebook serving the notebooks with the project kernel, a notebook
// opened in a browser and run through the page ("Run All"), its plots and players checked, the server shut down.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { installKernel, jupyterEnv, listNotebooks, PROJECT_ROOT } from '../../lib/notebook';
import { REPORTS_DIR_ENV } from '../../lib/notebook/tutorial';
import { HAVE_CHROMIUM, launchChromium } from '../browser/report-page';

const HAVE_NOTEBOOK = spawnSync('jupyter-notebook', ['--version'], { stdio: 'ignore' }).status === 0;
if (!HAVE_NOTEBOOK) console.warn('[soundlab tests] jupyter-notebook not found: the live notebook test is skipped (sudo apt-get install -y jupyter-notebook).');
else if (!HAVE_CHROMIUM) console.warn('[soundlab tests] /usr/bin/chromium not found: the live notebook test is skipped (sudo apt-get install -y chromium).');

/** A loopback port nobody listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Processes whose command line mentions `marker` (the kernels' connection files live under our runtime folder). */
function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

(HAVE_NOTEBOOK && HAVE_CHROMIUM ? describe : describe.skip)('a notebook run live in Jupyter Notebook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'soundlab-live-'));
  const runtime = join(dir, 'runtime');
  const token = randomBytes(16).toString('hex');
  // 02: short, with plots and audio players. A copy: Jupyter autosaves what it opens, and notebooks/ is the source.
  const source = listNotebooks(join(PROJECT_ROOT, 'notebooks')).find((f) => basename(f).startsWith('02-')) as string;
  let server: ChildProcess | undefined;
  let serverLog = '';
  let base = '';
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(join(dir, 'served'));
    mkdirSync(runtime);
    copyFileSync(source, join(dir, 'served', basename(source)));
    installKernel(PROJECT_ROOT);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(
      'jupyter-notebook',
      ['--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', `--NotebookApp.token=${token}`, `--NotebookApp.notebook_dir=${join(dir, 'served')}`],
      {
        // JUPYTER_PATH finds the project kernel; config and runtime folders of our own keep the user's out of it.
        env: { ...jupyterEnv(PROJECT_ROOT), JUPYTER_RUNTIME_DIR: runtime, JUPYTER_CONFIG_DIR: join(dir, 'config'), [REPORTS_DIR_ENV]: join(dir, 'reports') },
        cwd: dir,
        detached: true, // its own process group, so afterAll can end the server and anything it left
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    server.stdout?.on('data', (c: Buffer) => (serverLog += c.toString()));
    server.stderr?.on('data', (c: Buffer) => (serverLog += c.toString()));
    for (let i = 0; ; i++) {
      const up = await fetch(`${base}/api/status?token=${token}`).then((r) => r.ok).catch(() => false);
      if (up) break;
      if (i > 120 || server.exitCode !== null) throw new Error(`jupyter-notebook did not start:\n${serverLog.slice(-2000)}`);
      await sleep(500);
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/notebooks/${encodeURIComponent(basename(source))}?token=${token}`, { waitUntil: 'load', timeout: 120_000 });
    // The kernel (tslab, compiling lib/ on start) is ready when the page says idle.
    await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon', { timeout: 180_000 });
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (server?.pid) {
      // The server's own shutdown ends its kernels (they run in sessions of their own).
      await fetch(`${base}/api/shutdown`, { method: 'POST', headers: { Authorization: `token ${token}` } }).catch(() => undefined);
      for (let i = 0; i < 40 && alive(server.pid); i++) await sleep(250);
      if (alive(server.pid)) {
        try {
          process.kill(-server.pid, 'SIGKILL');
        } catch {
          // exited in between
        }
      }
    }
    // Anything still holding a connection file of ours is a kernel this test started.
    for (const pid of processesMentioning(runtime)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited in between
      }
    }
  }, 60_000);

  it('runs every cell through the page without an error, draws the plots and shows the audio players', async () => {
    // Cell › Run All, as a teacher would.
    await page.click('#celllink');
    await page.click('#run_all_cells > a');
    await page.waitForFunction(
      () => {
        const prompts = Array.from(document.querySelectorAll('.code_cell .input_prompt')).map((p) => p.textContent ?? '');
        return prompts.length > 0 && prompts.every((t) => /In\s*\[\d+\]/.test(t)) && !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon');
      },
      undefined,
      { timeout: 300_000, polling: 500 },
    );
    await page
      .waitForFunction(() => Array.from(document.querySelectorAll('.soundlab-figure')).every((d) => d.querySelector('.main-svg')), undefined, { timeout: 60_000 })
      .catch(() => undefined); // the counts below say what did not render
    const seen = await page.evaluate(() => {
      const audios = Array.from(document.querySelectorAll('.output_area audio')) as HTMLAudioElement[];
      const figures = Array.from(document.querySelectorAll('.soundlab-figure'));
      return {
        codeCells: document.querySelectorAll('.code_cell').length,
        prompts: Array.from(document.querySelectorAll('.code_cell .input_prompt')).map((p) => (p.textContent ?? '').replace(/\s+/g, '')),
        errors: Array.from(document.querySelectorAll('.output_error, .output_stderr')).map((e) => (e.textContent ?? '').slice(0, 300)),
        figures: figures.length,
        renderedFigures: figures.filter((d) => d.querySelector('.main-svg')).length,
        audio: audios.filter((a) => (a.getAttribute('src') ?? '').startsWith('data:audio/wav;base64,')).length,
      };
    });
    expect(seen.errors).toEqual([]);
    expect(seen.prompts).toEqual(seen.prompts.map((_, i) => `In[${i + 1}]:`));
    expect(seen.figures).toBeGreaterThanOrEqual(2);
    expect(seen.renderedFigures).toBe(seen.figures);
    expect(seen.audio).toBeGreaterThanOrEqual(10);
  }, 420_000);

  it('leaves no process behind once shut down', async () => {
    // afterAll does the shutting down; this checks the same steps here, so a leak fails a test, not just a log.
    const kernels = processesMentioning(runtime);
    expect(kernels.length).toBeGreaterThan(0); // the live kernel is there while the server runs
    await fetch(`${base}/api/shutdown`, { method: 'POST', headers: { Authorization: `token ${token}` } });
    for (let i = 0; i < 60 && (alive(server?.pid as number) || processesMentioning(runtime).length); i++) await sleep(250);
    expect(alive(server?.pid as number)).toBe(false);
    expect(processesMentioning(runtime)).toEqual([]);
  }, 60_000);
});
