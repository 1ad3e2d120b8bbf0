/**
 * The native nftables ruleset, read next to the `*-save` output: `iptables-nft-save` shows only the tables
 * iptables-nft writes, so firewalld's, kube-proxy's or nftables.service's own tables are invisible to it. Read only;
 * a host without the `nft` program is reported as such, never as an error, since iptables alone still works there.
 */
import { parseNftJson } from '../iptables/nft-json.js';
import type { NativeNftRead } from '../model/native-nft.js';
import { CommandFailedError, CommandNotFoundError } from '../system/command-errors.js';
import type { CommandRunner } from '../system/command-runner.js';

const TIMEOUT_MS = 15_000;

export async function readNativeNft(runner: CommandRunner): Promise<NativeNftRead> {
  try {
    const result = await runner.run(['nft', '-j', 'list', 'ruleset'], { timeoutMs: TIMEOUT_MS });
    return { ruleset: parseNftJson(result.stdout) };
  } catch (error) {
    if (error instanceof CommandNotFoundError) {
      return { unavailable: 'nft is not installed: native nftables tables were not checked (install nftables)' };
    }
    // A kernel without nf_tables answers with an error; iptables-legacy hosts can be like that.
    if (error instanceof CommandFailedError) {
      return { unavailable: `nft -j list ruleset failed: ${error.message}` };
    }
    throw error;
  }
}
