import { fileURLToPath } from 'node:url';

/** Kuma's test vectors, vendored in test/kuma-golden (see its NOTICE.md); KUMA_GOLDEN_DIR points elsewhere. */
export const KUMA_GOLDEN_DIR = process.env.KUMA_GOLDEN_DIR ?? fileURLToPath(new URL('../kuma-golden', import.meta.url));
