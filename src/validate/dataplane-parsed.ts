import { type DpContext, lineOf, Path } from './dataplane-context.js';
import type { Meta } from './dataplane-meta.js';
import type { At, DataplaneSpec, ParsedDataplane, ParsedInbound } from './dataplane-types.js';

/** Picks what cross-file checks need out of the decoded Dataplane, each value with its line. */
export function toParsedDataplane(ctx: DpContext, meta: Meta, spec: DataplaneSpec): ParsedDataplane {
  const net = spec.networking;
  const root = Path.root.field('networking');
  const at = <T>(value: T | undefined, path: Path): At<T> | undefined => {
    const line = lineOf(ctx, path);
    return value === undefined || line === undefined ? undefined : { value, line };
  };
  const only = <K extends string, T>(key: K, value: At<T> | undefined) => (value ? { [key]: value } : {});

  const inbounds: ParsedInbound[] = (net?.inbound ?? []).map((ib, index) => {
    const p = root.field('inbound').index(index);
    return {
      index,
      line: lineOf(ctx, p) ?? 1,
      ...only('port', at(ib.port, p.field('port'))),
      ...only('servicePort', at(ib.servicePort || undefined, p.field('servicePort'))),
    };
  });

  const tp = net?.transparentProxying;
  const tpPath = root.field('transparentProxying');
  const outboundLine = net?.outbound?.length ? lineOf(ctx, root.field('outbound')) : undefined;
  return {
    ...only('name', meta.name),
    ...only('mesh', meta.mesh),
    ...only('address', at(net?.address, root.field('address'))),
    inbounds,
    hasOutbound: (net?.outbound?.length ?? 0) > 0,
    ...(outboundLine === undefined ? {} : { outboundLine }),
    ...(tp
      ? {
          transparentProxying: {
            line: lineOf(ctx, tpPath) ?? 1,
            ...only('redirectPortInbound', at(tp.redirectPortInbound, tpPath.field('redirectPortInbound'))),
            ...only('redirectPortOutbound', at(tp.redirectPortOutbound, tpPath.field('redirectPortOutbound'))),
            ...only('ipFamilyMode', at(tp.ipFamilyMode, tpPath.field('ipFamilyMode'))),
          },
        }
      : {}),
    ...only('adminPort', at(net?.admin?.port, root.field('admin').field('port'))),
  };
}
