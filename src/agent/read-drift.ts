import { compileHostAt, renderedOrThrow } from '../compile/compile-at-revision.js';
import { KumaGitopsError } from '../errors.js';
import { gitdirReader } from '../io/git-reader.js';
import { describeStep } from '../model/plan.js';
import { describeShadowing, nativeNftReport } from '../reconcile/native-nft-report.js';
import { planHost } from '../reconcile/plan-host.js';
import { prepareRendered } from '../reconcile/prepare-host.js';
import type { AgentConfig } from './agent-config.js';
import { sourceGitdir } from './git-source.js';
import { hostContextOf } from './host-door.js';

/**
 * What `status` says about drift: the steps that would bring the host back to its last good revision, and native
 * nftables chains that shadow Kuma's (not steps: nothing here changes another tool's tables).
 */
export type DriftReport =
  | { commit: string; steps: readonly string[]; shadowed: readonly string[] }
  | { commit: string; error: string };

/**
 * The host against its last good revision, read-only: compile that commit from the local copy (no network), read
 * the live state, plan. No steps means no drift. Reading needs root, like the agent.
 */
export async function readDrift(config: AgentConfig, commit: string): Promise<DriftReport> {
  try {
    const reader = await gitdirReader(sourceGitdir(config.source.url, config.stateDir), config.source.path, commit);
    const rendered = renderedOrThrow(await compileHostAt(reader, config.host, config.policy), commit.slice(0, 12));
    const { target, ports } = await prepareRendered(
      hostContextOf(config, () => undefined),
      rendered,
    );
    const live = await ports.readLive({ nativeNft: true });
    const plan = planHost(target, live);
    const nft = nativeNftReport(target, live);
    return {
      commit,
      shadowed: 'shadowing' in nft ? nft.shadowing.map(describeShadowing) : [],
      steps: plan.steps
        .filter((s) => s.kind !== 'verify' && s.kind !== 'wait-ready')
        .map((s) => [s.kind, describeStep(s), `(${s.reason})`].filter((w) => w !== '').join(' ')),
    };
  } catch (e) {
    if (!(e instanceof KumaGitopsError)) throw e;
    return { commit, error: `${e.message} [${e.code}]` };
  }
}
