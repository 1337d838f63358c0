import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../lib/cli/main';

describe('soundlab CLI', () => {
  it('describes itself in --help', () => {
    const help = buildProgram().helpInformation();
    expect(help).toContain('Usage: soundlab');
  });
});
