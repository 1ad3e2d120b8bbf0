import { type DpContext, errorReporter, type Path } from './dataplane-context.js';
import type { StringMap } from './dataplane-types.js';

/** Kuma's ValidateTags (pkg/core/resources/apis/mesh/validators.go) and the kuma.io/protocol value set. */
export const SERVICE_TAG = 'kuma.io/service';
export const PROTOCOL_TAG = 'kuma.io/protocol';

const TAG_NAME = /^[a-zA-Z0-9.\-_:/]*$/;
const TAG_VALUE = /^[a-zA-Z0-9.\-_:]*$/;

/**
 * kumahq/kuma pkg/core/resources/apis/mesh/dataplane_validator.go@v2.14.3; compared case-insensitively (ParseProtocol
 * lower-cases).
 */
export const SUPPORTED_PROTOCOLS = ['grpc', 'http', 'http2', 'kafka', 'mysql', 'tcp', 'tls'] as const;

export const isSupportedProtocol = (p: string): boolean =>
  (SUPPORTED_PROTOCOLS as readonly string[]).includes(p.toLowerCase());

/** Kuma's AllowedValuesHint wording (inferred: dataplane_validator.go's values are known, the sentence is not). */
export const invalidProtocolMessage = (what: string, value: string): string =>
  `${what} has an invalid value ${JSON.stringify(value)}. Allowed values: ${SUPPORTED_PROTOCOLS.join(', ')}`;

export interface TagRules {
  requireService: boolean;
  /** Inbound tags also check kuma.io/protocol. */
  checkProtocol: boolean;
  codePrefix: string;
}

export function validateTags(ctx: DpContext, path: Path, tags: StringMap | undefined, rules: TagRules): void {
  const all = tags ?? new Map<string, string>();
  const err = errorReporter(ctx, rules.codePrefix);
  for (const key of [...all.keys()].sort()) {
    const value = all.get(key)!;
    if (key === '') err('tag-name', path, 'tag name must be non-empty');
    if (!TAG_NAME.test(key)) {
      err(
        'tag-name',
        path.key(key),
        'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores',
      );
    }
    if (value === '') err('tag-value', path.key(key), 'tag value must be non-empty');
    if (!TAG_VALUE.test(value)) {
      err(
        'tag-value',
        path.key(key),
        'tag value must consist of alphanumeric characters, dots, dashes and underscores',
        value.includes('&')
          ? 'an "&...;" entity means mustache HTML-escaped a template value; use {{{ var }}}'
          : undefined,
      );
    }
  }
  if (rules.requireService && !all.has(SERVICE_TAG)) {
    err('service-tag', path.key(SERVICE_TAG), 'tag has to exist', `add ${SERVICE_TAG}: <service name>`);
  }
  const protocol = all.get(PROTOCOL_TAG);
  if (rules.checkProtocol && protocol !== undefined && !isSupportedProtocol(protocol)) {
    err('protocol', path.key(PROTOCOL_TAG), invalidProtocolMessage(`tag "${PROTOCOL_TAG}"`, protocol));
  }
}
