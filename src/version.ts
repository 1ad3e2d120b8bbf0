/** kuma-gitops' own version (package.json's; test/version.test.ts keeps them equal). */
export const KUMA_GITOPS_VERSION = '0.1.0';
