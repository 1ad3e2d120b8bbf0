import { KumaGitopsError } from '../../errors.js';
import type { CommandIo } from '../command.js';

/** Standard input, read at most once and by one consumer (`--live -` and `--config -` cannot share it). */
export interface StdinReader {
  read(purpose: string): Promise<string>;
}

export function stdinReader(io: CommandIo): StdinReader {
  let owner: string | undefined;
  return {
    async read(purpose) {
      if (owner !== undefined) {
        throw new KumaGitopsError(
          'tproxy.stdin.shared',
          `${purpose} and ${owner} both read standard input: give one of them a file instead`,
        );
      }
      if (!io.readStdin) {
        throw new KumaGitopsError('tproxy.stdin.none', `${purpose} reads standard input, but none is available here`);
      }
      owner = purpose;
      return io.readStdin();
    },
  };
}
