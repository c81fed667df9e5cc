// Adds up the suites' JSON reports (written by `npm test` into test-results/) into the one closing line CI reads.
import { existsSync, readFileSync } from 'node:fs';

const status = Number(process.argv[2] ?? 1);
let passed = 0;
let failed = 0;
let skipped = 0;
const seen: string[] = [];

function read(file: string): unknown {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

// Lint and typecheck write a marker each when they pass (see package.json "lint" and "typecheck").
for (const step of ['lint', 'typecheck']) {
  if (existsSync(`test-results/${step}.ok`)) passed++;
  else failed++;
  seen.push(step);
}

const vitest = read('test-results/vitest.json') as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number } | undefined;
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
  seen.push('vitest');
}

const pw = read('test-results/playwright.json') as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } } | undefined;
if (pw) {
  passed += pw.stats.expected + pw.stats.flaky;
  failed += pw.stats.unexpected;
  skipped += pw.stats.skipped;
  seen.push('playwright');
}

// A suite that never wrote its report (a crash, or npm test stopping early) must not look green.
if (status !== 0 && failed === 0) failed = 1;
console.log(`suites reported: ${seen.join(', ')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
