// Ctrl-C during a long training: the first SIGINT asks the training loop to stop (an AbortSignal) so
// the command can keep and save what it has; a second one quits at once, as a terminal user expects.

/** Exit status of a process ended by SIGINT (128 + 2), what shells report for Ctrl-C. */
export const SIGINT_EXIT_CODE = 130;

export interface InterruptHandle {
  /** Aborted by the first SIGINT. */
  signal: AbortSignal;
  /** Remove the handler (Node's default — exit on SIGINT — is back). */
  dispose(): void;
}

/**
 * While the handle lives, SIGINT aborts `signal` (and says so on `notify`) instead of killing the
 * process; a second SIGINT exits with status 130 without waiting.
 */
export function interruptOnSigint(notify: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): InterruptHandle {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      notify('interrupted again: quitting without saving');
      process.exit(SIGINT_EXIT_CODE);
    }
    notify('interrupted: stopping after the current step and keeping the best weights so far (Ctrl-C again to quit at once)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
