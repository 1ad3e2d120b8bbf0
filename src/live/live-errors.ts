import { KumaGitopsError } from '../errors.js';

/** Failures while reading the live host. Reading never changes the host, so none of these leave anything behind. */

/**
 * Neither iptables backend is usable (kumahq/kuma pkg/transparentproxy/config/config_executables.go@v2.14.3 "failed to
 * find valid nft or legacy executables").
 */
export class IptablesNoneError extends KumaGitopsError {
  constructor(reasons: { nft: string; legacy: string }, netns: string | undefined) {
    const where = netns === undefined ? '' : ` in network namespace ${netns}`;
    super(
      'iptables.none',
      `no usable iptables${where}: install the iptables package (nft: ${reasons.nft}; legacy: ${reasons.legacy})`,
      {
        ...reasons,
        netns,
      },
    );
    this.name = 'IptablesNoneError';
  }
}

/** A host file or /proc entry could not be read for a reason other than "it is not there". */
export class LiveReadError extends KumaGitopsError {
  constructor(path: string, cause: unknown) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    const fix =
      reason === 'EACCES' || reason === 'EPERM'
        ? 'check that kuma-gitops runs as root'
        : reason === 'EISDIR'
          ? 'it is a folder where a file belongs: remove it or point the setting at a file'
          : reason === 'ENOTDIR'
            ? 'a file is in the way where a folder belongs on that path'
            : reason === 'ENOENT'
              ? 'it does not exist'
              : 'check the path';
    super(
      'live.read-failed',
      `cannot read ${path}: ${reason}: ${fix}`,
      { path, reason },
      {
        cause,
      },
    );
    this.name = 'LiveReadError';
  }
}

/** The compiled readiness probe is missing: it is needed to send `GET /ready` from inside a network namespace. */
