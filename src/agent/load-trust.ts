import { readHostOwnedFile } from '../io/host-owned-file.js';
import { error } from '../issues.js';
import type { AgentConfig } from './agent-config.js';
import { parseAllowedSigners } from './allowed-signers.js';
import { AgentConfigError } from './load-agent-config.js';
import type { Trust } from './verify-commit.js';

/**
 * The keys `verify.mode: head` trusts, read at start from root-owned files that only root may change. A file that
 * does not parse stops the agent: trusting nothing by accident would refuse every commit without saying why.
 */
export async function loadTrust(config: AgentConfig, owner?: number): Promise<Trust | undefined> {
  if (config.verify.mode === 'none') return undefined;
  const trust: Trust = {};
  const problems = [];
  const { allowedSignersFile, publicKeysFile } = config.verify;
  if (allowedSignersFile !== undefined) {
    const r = readHostOwnedFile(allowedSignersFile, 'trusted', owner);
    if ('problem' in r)
      problems.push(issue(config, 'verify.allowedSignersFile', r.problem.code, r.problem.message, r.problem.hint));
    else {
      const parsed = parseAllowedSigners(r.text);
      trust.signers = parsed.signers;
      for (const p of parsed.problems) {
        problems.push(
          issue(
            config,
            'verify.allowedSignersFile',
            'agent.allowed-signers-invalid',
            `${allowedSignersFile} ${p}`,
            'see "ALLOWED SIGNERS" in ssh-keygen(1)',
          ),
        );
      }
      if (parsed.signers.length === 0 && parsed.problems.length === 0) {
        problems.push(
          issue(
            config,
            'verify.allowedSignersFile',
            'agent.allowed-signers-empty',
            `${allowedSignersFile} allows no key`,
            'add a line "principal ssh-ed25519 AAAA..."',
          ),
        );
      }
    }
  }
  if (publicKeysFile !== undefined) {
    const r = readHostOwnedFile(publicKeysFile, 'trusted', owner);
    if ('problem' in r)
      problems.push(issue(config, 'verify.publicKeysFile', r.problem.code, r.problem.message, r.problem.hint));
    else {
      const openpgp = await import('openpgp');
      try {
        await openpgp.readKeys({ armoredKeys: r.text });
        trust.pgpKeys = r.text;
      } catch (e) {
        problems.push(
          issue(
            config,
            'verify.publicKeysFile',
            'agent.public-keys-invalid',
            `${publicKeysFile}: ${(e as Error).message}`,
            'export them with gpg --armor --export KEYID',
          ),
        );
      }
    }
  }
  if (problems.length > 0) throw new AgentConfigError(config.file, problems);
  return trust;
}

const issue = (config: AgentConfig, path: string, code: string, message: string, hint: string) =>
  error({ code, file: config.file, path, message, hint });
