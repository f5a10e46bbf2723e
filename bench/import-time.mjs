// Cold import time: each sample is a fresh Node process that times one dynamic import.
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

function sample(specifier) {
  const code = `const t=performance.now();await import(${JSON.stringify(specifier)});process.stdout.write(String(performance.now()-t));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', code]).toString());
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Median cold-import ms of our root entry and of ky alone, interleaved to share noise. */
export function measureImportTime(runs = 15) {
  const ours = [];
  const kyAlone = [];
  const entry = pathToFileURL('dist/index.js').href;
  for (let i = 0; i < runs; i++) {
    ours.push(sample(entry));
    kyAlone.push(sample('ky'));
  }
  const oursMs = median(ours);
  const kyMs = median(kyAlone);
  return { oursMs, kyMs, ratio: oursMs / kyMs };
}
