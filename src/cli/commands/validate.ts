import { compileRepo } from '../../compile/compile-repo.js';
import { loadRepo } from '../../desired/load-repo.js';
import { renderFleet } from '../../fleet/render-fleet.js';
import { dirRepoReader } from '../../io/dir-reader.js';
import { buildValidationReport, formatReportText } from '../../validate/validation-report.js';
import type { Command } from '../command.js';
import { POLICY_FLAGS, policyFromArgs } from './policy-flags.js';

export const validateCommand: Command = {
  spec: {
    name: 'validate',
    summary:
      "Check a desired-state repo offline: schemas, rendering, Kuma and kumactl rules, the guide's safety rules.",
    usage: 'kuma-gitops validate --repo DIR [--host H] [--output text|json]',
    details: 'Exit 0: valid (warnings allowed). Exit 1: errors found, or the repo could not be read.',
    flags: {
      repo: { kind: 'string', required: true, value: 'DIR', help: 'desired-state repo (working tree)' },
      host: { kind: 'string', value: 'H', help: 'check only this host (and the shared files it uses)' },
      output: { kind: 'string', choices: ['text', 'json'], default: 'text', value: 'FORMAT', help: 'text or json' },
      ...POLICY_FLAGS,
    },
  },
  async run(args, io) {
    const reader = dirRepoReader(args.strings.repo!);
    const host = args.strings.host;
    // One host: load every file (duplicates are checked across all of them) but render only that host. The whole
    // fleet: render in worker threads when it is large.
    const policy = policyFromArgs(args, 'validate');
    const results = host
      ? compileRepo(await loadRepo(reader), host, policy)
      : (await renderFleet(reader, { policy })).outcomes;
    const report = buildValidationReport(results);
    io.out(
      args.strings.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReportText(report, reader.label),
    );
    return report.valid ? 0 : 1;
  },
};
