/** Quote one argument for a POSIX shell, only when needed, so printed commands can be pasted as they are. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The guide's layout: `runuser -u kuma-dp -- \` then `kuma-dp run \` then one flag per line. */
export function formatCommand(argv: readonly string[]): string {
  const runIndex = argv.indexOf('run');
  if (argv[0] !== 'runuser' || runIndex === -1) return argv.map(shellQuote).join(' ');
  const head = argv
    .slice(0, runIndex - 1)
    .map(shellQuote)
    .join(' ');
  const binary = `  ${shellQuote(argv[runIndex - 1]!)} run`;
  const flags = argv.slice(runIndex + 1).map((a) => `    ${shellQuote(a)}`);
  return [head, binary, ...flags].join(' \\\n');
}
