/**
 * The git server of the first-sync benchmark in a process of its own, so that the measured clone and sync never
 * share an event loop with it. Prints its URL as one line, serves until stdin closes.
 * Usage: tsx test/bench/git-server-child.ts ROOT
 */
import { startGitServer } from '../support/git-http-server.js';

const server = await startGitServer({ root: process.argv[2]! });
process.stdout.write(`${server.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
