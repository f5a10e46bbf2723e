import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

// The example imports the library from the repository's build (../../dist) and
// the shared example setup (../shared): let Next see the repository root.
const root = fileURLToPath(new URL('../..', import.meta.url));

const config: NextConfig = {
  turbopack: { root },
  outputFileTracingRoot: root,
};

export default config;
