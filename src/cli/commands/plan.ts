import { nativeNftReport } from '../../reconcile/native-nft-report.js';
import { planHost } from '../../reconcile/plan-host.js';
import { refuseUnlessPossible } from '../../reconcile/preconditions.js';
import { prepareHost } from '../../reconcile/prepare-host.js';
import { readStatus } from '../../reconcile/reconcile-host.js';
import type { Command } from '../command.js';
import { formatNativeNftText, formatPlanText } from '../format-plan.js';
import { reconcileLog } from '../reconcile-log.js';
import { HOST_FLAGS, hostArgs } from './host-flags.js';

export const planCommand: Command = {
  spec: {
    name: 'plan',
    summary:
      "Read the host and show the steps that would bring it to the desired state, in the guide's order. Changes nothing.",
    usage: 'kuma-gitops plan --repo DIR --host H [--netns NS] [--state-dir D] [--output text|json]',
    details:
      "Exit 0: in sync. Exit 2: changes to apply. Native nftables chains that run before Kuma's are warned about (shadowed), never changed. Exit 1: error (invalid repo, unknown host, not root, no iptables, refusal).",
    flags: { ...HOST_FLAGS },
  },
  async run(args, io) {
    const host = args.strings.host!;
    const json = args.strings.output === 'json';
    const log = await reconcileLog(io, json, host);
    const { target, ports } = await prepareHost({ ...hostArgs(args, 'plan'), log });
    const live = await ports.readLive({ nativeNft: true });
    refuseUnlessPossible(target, live);
    const plan = planHost(target, live);
    const failed = readStatus(args.strings['state-dir']!, host).lastFailed;
    const note =
      failed?.revision === target.revision
        ? // The error may end with kuma-dp's last log lines: they follow the sentence.
          `note: revision ${failed.revision} failed at ${failed.at} and was rolled back: ${failed.error}\n`
        : '';
    const nftables = nativeNftReport(target, live);
    io.out(
      json
        ? `${JSON.stringify({ ...plan, previouslyFailed: note !== '', nftables }, null, 2)}\n`
        : `${note}${formatPlanText(plan)}${formatNativeNftText(nftables)}`,
    );
    return plan.steps.length === 0 ? 0 : 2;
  },
};
