/**
 * go-yaml's guard against alias bombs (`a: &a [x,x]`, `b: &b [*a,*a]`, ... a few hundred bytes that expand to
 * billions of nodes): it counts every node it decodes and those decoded through an alias, and fails with
 * "document contains excessive aliasing" once more than 100 of over 1,000 come from aliases at a ratio above the
 * allowed one (gopkg.in/yaml.v2 v2.4.0 decode.go, decoder.unmarshal and allowedAliasRatio; the same in
 * sigs.k8s.io/yaml's goyaml.v2, which kumactl reads its config with, and in go-yaml v2, which kuma-dp reads the
 * rendered Dataplane with). Converters that expand aliases count with this, so a bomb stops where Kuma's stops.
 */
const RANGE_LOW = 400_000;
const RANGE_HIGH = 4_000_000;

export const EXCESSIVE_ALIASING = 'document contains excessive aliasing';

export function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= RANGE_LOW) return 0.99;
  if (decodeCount >= RANGE_HIGH) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - RANGE_LOW) / (RANGE_HIGH - RANGE_LOW));
}

export class AliasBudget {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  /** Set once the budget is exceeded: converters stop at once and report EXCESSIVE_ALIASING. */
  exceeded = false;

  /** One node decoded; false once go-yaml would have failed. */
  decode(): boolean {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      this.exceeded = true;
    }
    return !this.exceeded;
  }

  /** Decodes `fn` as the target of an alias. */
  throughAlias<T>(fn: () => T): T {
    this.aliasDepth++;
    try {
      return fn();
    } finally {
      this.aliasDepth--;
    }
  }
}
