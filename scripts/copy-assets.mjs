// The files the compiled package reads or exports next to its modules: the
// contract, the schemas of its reports and config file, the generated types,
// the consumer pacts. Run by `npm run build` after tsc; `--out <dir>` names
// another tree than dist/ (the tests' compiled CLI, tests/support/compiled-cli.ts).
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outFlag = process.argv.indexOf('--out');
const outDir = outFlag === -1 ? 'dist' : process.argv[outFlag + 1];
if (!outDir) throw new Error('--out needs a directory');
const assets = [
  'contracts/openapi.yaml', 'contracts/SPEC.md', 'contracts/compliance.schema.json', 'contracts/junit.xsd',
  'contracts/jobcert.config.schema.json', 'contracts/baseline.schema.json', 'contracts/generated/api.d.ts', 'contracts/pacts',
];
for (const asset of assets) {
  const from = join(root, asset);
  if (!existsSync(from)) throw new Error(`missing asset ${asset}`);
  const to = join(root, outDir, asset);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
}
console.log(`copied ${assets.length} assets into ${outDir}/`);
