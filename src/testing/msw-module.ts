import { AuraMockConfigurationError } from './errors.js';

/** The part of `msw` the handlers use. */
export interface MswModule {
  http: typeof import('msw').http;
  HttpResponse: typeof import('msw').HttpResponse;
}

/** Where `msw` is resolved from: this file, as a static import would (CJS build, or ESM). */
const resolvedFrom = (): string =>
  typeof __filename === 'string' ? __filename : (import.meta.url as string);

let loaded: MswModule | undefined;

/**
 * Loads `msw` on first use, synchronously, so `fake.handlers` can stay a plain
 * array for `setupServer(...fake.handlers)`. `msw` is an optional peer: the
 * loopback server and `fake.handle` do not need it, so a static import would
 * fail the whole entry for users who never touch MSW. It is the copy the
 * user's `setupServer` resolves (msw ships ESM only; Node's `require` loads
 * the same module instance as `import`).
 *
 * @example
 * ```ts
 * const { http, HttpResponse } = loadMsw(); // AuraMockConfigurationError without msw
 * ```
 */
export function loadMsw(): MswModule {
  if (loaded) return loaded;
  try {
    const nodeModule = globalThis.process?.getBuiltinModule?.('node:module');
    if (!nodeModule) throw new Error('no node:module in this runtime');
    loaded = nodeModule.createRequire(resolvedFrom())('msw') as MswModule;
    return loaded;
  } catch (cause) {
    throw new AuraMockConfigurationError(
      'fake.handlers needs the `msw` package: npm install --save-dev msw (fake.listen() and fake.handle() work without it)',
      { cause },
    );
  }
}
