#!/usr/bin/env node
// Entry point of the `delineo` CLI. The sources are TypeScript run by Node's own type
// stripping (Node >= 22.18), so there is no build step between a checkout and a run.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`delineo: Node ${process.version} is too old; Node 22.18 or newer is required\n`);
  process.exit(2);
}
const { main } = await import('../electron/cli.ts');
process.exitCode = await main(process.argv.slice(2));
