#!/usr/bin/env node
import { main } from './cli/main.js';
import { InputFileError, LIVE_MAX_BYTES } from './io/input-file.js';

process.exitCode = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  // Bounded like a live file (io/input-file.ts): stdin may be anything piped in.
  readStdin: async () => {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of process.stdin) {
      total += (chunk as Buffer).length;
      if (total > LIVE_MAX_BYTES) throw new InputFileError('standard input', `more than ${LIVE_MAX_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  },
});
