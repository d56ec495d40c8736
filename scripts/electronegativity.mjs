#!/usr/bin/env node
// Electron security scan (Doyensec electronegativity) over electron/: prints every finding and
// exits non-zero on any HIGH-severity one, or if a file could not be parsed (an unscanned file
// proves nothing). Usage: node scripts/electronegativity.mjs [dir]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const input = resolve(process.argv[2] ?? 'electron');
// The library chats on stdout while it tries the network for translations; findings are printed below.
const log = console.log;
console.log = () => undefined;
const result = await run({
  input,
  output: undefined,
  isSarif: false,
  customScan: [],
  // Downloads Electron's release list to suggest upgrades: no network here, and the pin is
  // deliberate (newest Electron whose engines accept Node 20, platform-notes.md §2).
  excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  isRelative: true,
  isVerbose: false,
  electronUpgrade: undefined,
  // The checks judge defaults by version; Electron is an optional dependency, so name it.
  electronVersionOverride: pkg.optionalDependencies.electron,
  parserPlugins: [],
}).finally(() => {
  console.log = log;
});

const bySeverity = { HIGH: 0, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0 };
for (const issue of result.issues) {
  const severity = issue.severity.name;
  bySeverity[severity] = (bySeverity[severity] ?? 0) + 1;
  const where = `${issue.file}:${issue.location.line}:${issue.location.column}`;
  console.log(
    `${severity.padEnd(13)} ${issue.confidence.name.padEnd(9)} ${issue.id.padEnd(40)} ${where}${issue.manualReview ? '  (review)' : ''}`,
  );
}
const fatal = result.errors.filter((error) => !error.tolerable);
for (const error of fatal) console.error(`could not parse ${error.file}: ${error.message}`);
console.log(
  `electronegativity: ${result.globalChecks + result.atomicChecks} checks; ` +
    Object.entries(bySeverity)
      .map(([name, count]) => `${count} ${name.toLowerCase()}`)
      .join(', ') +
    `; ${fatal.length} parse errors`,
);
process.exit(bySeverity.HIGH > 0 || fatal.length > 0 ? 1 : 0);
