// Where the shared real-audio fixtures live, and a describe() that skips (with a message) without them.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe } from 'vitest';

/** `../shared/fixtures` from the project root; override with SOUNDLAB_FIXTURES. */
export const FIXTURES = resolve(process.env.SOUNDLAB_FIXTURES ?? resolve(__dirname, '../../shared/fixtures'));
export const HAVE_FIXTURES = existsSync(resolve(FIXTURES, 'README.md'));

if (!HAVE_FIXTURES) {
  // Printed once per test file that imports this module.
  console.warn(`[soundlab tests] ${FIXTURES} is absent: tests on real recordings are skipped.`);
}

/** describe() for suites that need the shared fixtures: skipped, with a reason in the name, when absent. */
export const describeWithFixtures = (name: string, fn: () => void) =>
  HAVE_FIXTURES ? describe(name, fn) : describe.skip(`${name} (skipped: ../shared/fixtures not found)`, fn);

export const fixture = (...parts: string[]) => resolve(FIXTURES, ...parts);
