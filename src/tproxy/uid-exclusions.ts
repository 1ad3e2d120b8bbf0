/**
 * `parseExcludePortsForUIDs` (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3 and utils.go): entries
 * `[<protocol>:][<ports>:]<uids>`. The checks run in
 * kumactl's order (UIDs, then ports, then protocols), which is what the kumactl-error vectors show: for
 * `3000-5000:1:*` the UID wildcard is reported although `3000-5000` is not a protocol either.
 */

export const UID_ERROR_PREFIX = 'parsing excluded outbound ports for uids failed: ';

export interface UidExclusion {
  protocols: ('tcp' | 'udp')[];
  /** iptables multiport syntax: ranges use `:` (`1000:2000`), `*` becomes `1:65535`. */
  ports: string;
  /** `106:108` or `203`. */
  uids: string;
}

export type UidExclusionResult = { ok: true; value: UidExclusion } | { ok: false; message: string };

/** Each piece of a value or `a-b` range must be a uint16 (0 accepted, reversed ranges not checked). */
function validateUintValueOrRange(valueOrRange: string): string | undefined {
  for (const element of valueOrRange.split('-')) {
    const ok = /^[0-9]+$/.test(element) && Number(element) <= 65535;
    if (!ok) return `validation failed for value or range '${valueOrRange}': invalid uint16 value: '${element}'`;
  }
  return undefined;
}

/**
 * One entry, with kumactl's message (without the `parsing excluded outbound ports for uids failed: ` prefix).
 * The "more than 3 parts" and invalid-UID texts are not in the reference; ours are modelled on the others
 * (inferred).
 */
export function parseUidExclusion(rule: string): UidExclusionResult {
  const parts = rule.split(':');
  if (parts.length > 3) {
    return {
      ok: false,
      message: `invalid format for excluding ports by uids: '${rule}'. Expected format: <protocol:>?<ports:>?<uids>`,
    };
  }
  const [protocolText, portsText, uids] =
    parts.length === 1 ? ['*', '*', parts[0]!] : parts.length === 2 ? ['*', parts[0]!, parts[1]!] : parts;
  const uidText = uids ?? '';
  if (uidText === '*') return { ok: false, message: "wildcard '*' is not allowed for UIDs" };
  if (uidText.includes(',')) {
    return { ok: false, message: `invalid UID entry: '${uidText}'. It should either be a single item or a range` };
  }
  const uidError = validateUintValueOrRange(uidText);
  if (uidError) return { ok: false, message: `invalid uid entry: ${uidError}` };

  let ports = '1:65535';
  if (portsText !== '*' && portsText !== '' && portsText !== undefined) {
    const pieces: string[] = [];
    for (const range of portsText.split(',')) {
      const err = validateUintValueOrRange(range);
      if (err) return { ok: false, message: `invalid port range: ${err}` };
      pieces.push(range.replaceAll('-', ':'));
    }
    ports = pieces.join(',');
  }

  const protocols: ('tcp' | 'udp')[] = [];
  if (protocolText === '' || protocolText === '*' || protocolText === undefined) protocols.push('tcp', 'udp');
  else {
    for (const p of protocolText.split(',')) {
      // kumactl lower-cases and trims before comparing; the message shows the cleaned text (inferred).
      const cleaned = p.trim().toLowerCase();
      if (cleaned !== 'tcp' && cleaned !== 'udp') {
        return { ok: false, message: `invalid or unsupported protocol: '${cleaned}'` };
      }
      protocols.push(cleaned);
    }
  }
  return { ok: true, value: { protocols, ports, uids: uidText.replaceAll('-', ':') } };
}

export const uidRangeHint =
  'kumactl parses UIDs as 16-bit numbers, so UIDs above 65535 cannot be excluded; run that process under a lower UID';

/** True when the entry is rejected only because a UID is above 65535 (kumactl parses UIDs as uint16). */
export function hasUidAboveUint16(rule: string): boolean {
  const uids = rule.split(':').at(-1) ?? '';
  return uids.split('-').some((u) => /^[0-9]+$/.test(u) && Number(u) > 65535);
}
