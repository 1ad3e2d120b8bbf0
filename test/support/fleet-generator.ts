/**
 * Host files for a big generated fleet (diff and benchmark tests): every host uses the sample's fleet defaults and
 * one of its groups, with its own address.
 */
const GROUPS = [[], ['capture-all-dns'], ['ipv4-only'], ['custom-ports']] as const;

export function generatedHostFile(i: number, port = 8080): string {
  const groups = GROUPS[i % GROUPS.length]!;
  const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return [
    groups.length ? `groups: [${groups.join(', ')}]` : '',
    'dataplane:',
    `  vars: { name: gen-${i}, address: ${address}, port: ${port}, service: svc-${i % 50} }`,
    'service:',
    `  ports: [${port}]`,
    '',
  ]
    .filter((l, idx) => idx > 0 || l !== '')
    .join('\n');
}

export function generatedHosts(count: number, port = 8080): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) files[`hosts/gen/gen-${i}.yaml`] = generatedHostFile(i, port);
  return files;
}
