import type { TableName } from '../../model/family.js';
import { BUILT_IN_CHAIN_ORDER } from '../../model/ownership.js';
import type { BuiltRule, BuiltTable } from './built-rules.js';

/**
 * Collects one table's rules per chain. `-I` positions count up from 1 per chain, only over inserts, in the
 * order rules are added, because kumactl computes them for an empty chain (builder_table_nat.go, builder.go, insert
 * positions).
 */
export class TableBuilder {
  private readonly byChain = new Map<string, BuiltRule[]>();
  private readonly insertCount = new Map<string, number>();

  constructor(
    private readonly name: TableName,
    private readonly customChains: readonly string[],
    /** false leaves every comment out (disabled, module missing or no usable executables, rules/rules.go). */
    private readonly comments: boolean,
  ) {}

  append(chain: string, params: string[], comment: string): void {
    this.add(chain, { chain, op: 'append', ...this.commentOf(comment), params });
  }

  insert(chain: string, params: string[], comment: string): void {
    const position = (this.insertCount.get(chain) ?? 0) + 1;
    this.insertCount.set(chain, position);
    this.add(chain, { chain, op: 'insert', position, ...this.commentOf(comment), params });
  }

  /** Append, or insert at the next position when `insert` is set (insertRedirectInsteadOfAppend). */
  appendOrInsert(insert: boolean, chain: string, params: string[], comment: string): void {
    if (insert) this.insert(chain, params, comment);
    else this.append(chain, params, comment);
  }

  /** The table in print order: built-in chains first, then custom chains in declaration order. */
  build(): BuiltTable | undefined {
    const order = [...BUILT_IN_CHAIN_ORDER[this.name], ...this.customChains];
    const rules = order.flatMap((chain) => this.byChain.get(chain) ?? []);
    if (rules.length === 0) return undefined;
    return { name: this.name, chains: [...this.customChains], rules };
  }

  private commentOf(text: string): { comment?: string } {
    return this.comments ? { comment: text } : {};
  }

  private add(chain: string, rule: BuiltRule): void {
    const list = this.byChain.get(chain);
    if (list) list.push(rule);
    else this.byChain.set(chain, [rule]);
  }
}
