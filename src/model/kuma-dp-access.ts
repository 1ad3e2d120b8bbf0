/**
 * The host paths the kuma-dp user itself must reach when kuma-dp starts (kuma-dp binary, Envoy, CoreDNS, its files
 * and token), and whether it can: `runuser` drops root before exec, so a path under a folder that user cannot
 * enter only shows up as a kuma-dp that dies at start. Types only: reconcile/kuma-dp-needs.ts lists the needs,
 * live/read-access.ts reads the host, reconcile/access-problems.ts refuses.
 */
export type KumaDpNeedPurpose =
  | 'kuma-dp binary'
  | 'Envoy binary'
  | 'CoreDNS binary'
  | 'Dataplane file'
  | 'tproxy config file'
  | 'dataplane token file'
  | 'control plane CA file';

export interface KumaDpNeed {
  purpose: KumaDpNeedPurpose;
  path: string;
  access: 'read' | 'execute';
  /**
   * `required`: kuma-dp fails without it. `optional`: when the path does not exist kuma-dp looks elsewhere, so only
   * an existing path it cannot use is a problem. `written`: kuma-gitops writes it (root:root 0644), so only the
   * folders above it count.
   */
  presence: 'required' | 'optional' | 'written';
}

export interface PathAccess extends KumaDpNeed {
  state: 'ok' | 'missing' | 'blocked';
  /** What stops the user, when blocked: the first folder (from the root down) it cannot enter, or the file. */
  blocker?: Blocker;
  /**
   * What someone other than root could change under root's feet, first found: a binary root hands to kuma-dp, or
   * a folder root writes into, owned or writable by another user; a folder reached through a symbolic link.
   */
  unsafe?: Unsafe;
}

export interface Unsafe {
  path: string;
  kind: 'folder' | 'file' | 'link';
  mode: number;
  uid: number;
  /** For a link: where it leads. */
  target?: string;
}

export interface Blocker {
  path: string;
  kind: 'folder' | 'file' | 'not-a-file';
  mode: number;
  uid: number;
  gid: number;
}
