import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The import rules of docs/ARCHITECTURE.md, checked on the source itself: every import between
// files of src/ (static, `import type`, `export ... from`, dynamic `import()` and `import('x')`
// types) must point down the layers, and no files or folders may import each other in a circle.

/** The entry files, `src/*.ts`: the package's subpath exports. */
const ENTRY = 'src/*.ts';

/**
 * The layers, lowest first. A file may import its own layer and the layers of lower tiers;
 * never a layer of its own tier (siblings stay independent) nor one above.
 *
 * `testing/` (the Aura fake) sits beside `aura/` and so imports only `kernel/`: the fake keeps
 * its own copy of the wire format, so a mistake in the client's schemas cannot be mirrored by
 * the fake that tests them.
 */
const LAYER_TIERS: readonly (readonly string[])[] = [
  ['kernel'],
  ['aura', 'testing'],
  ['records'],
  ['stores', 'client-factory'],
  ['provisioning'],
  ['adapters', 'scale'],
  ['cli', ENTRY],
];

/** Layers that only the listed layers may import, whatever their tier. */
const IMPORTED_ONLY_BY: Readonly<Record<string, readonly string[]>> = {
  // The webhook core is reached through its own subpath and the framework entry files; the
  // CLI's `dev signup` signs with it (loaded only by that command).
  adapters: [ENTRY, 'cli'],
  // The fake ships at `aura-provisioner/testing`; library code never pulls it (and msw) in.
  // The CLI's `dev` command serves it (loaded only by that command; msw is never needed).
  testing: ['cli'],
};

/** Packages that only the listed layers may import: frameworks stay at the edges. */
const PACKAGES_ONLY_IN: Readonly<Record<string, readonly string[]>> = {
  elysia: [ENTRY],
  express: [ENTRY],
  next: [ENTRY],
  msw: ['testing'],
};

/**
 * Imports that close a file-level cycle and are still to be removed, each with its fix. The
 * test fails on any other cycle, and on an entry here that no longer closes one (delete it).
 */
const KNOWN_CYCLE_EDGES: readonly { from: string; to: string; fix: string }[] = [];

/**
 * The placements' folders (see `src/provisioning/strategies.ts`): each strategy's internals are
 * its own. From outside its folder only these imports reach in: the dispatch point and the
 * wiring that builds the runtime (and the host pool, which it hands to the dispatch point, never
 * to the runtime). The two folders never import each other.
 */
const STRATEGY_FOLDERS: Readonly<Record<string, readonly string[]>> = {
  'src/provisioning/instance/': [
    'src/provisioning/strategies.ts → src/provisioning/instance/index.ts',
    'src/provisioning/build-runtime.ts → src/provisioning/instance/index.ts',
  ],
  'src/provisioning/database/': [
    'src/provisioning/strategies.ts → src/provisioning/database/index.ts',
    'src/provisioning/build-runtime.ts → src/provisioning/database/index.ts',
  ],
};

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE_NAME = (
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string }
).name;

interface Import {
  /** The importing file, relative to the repository: `src/aura/client.ts`. */
  from: string;
  line: number;
  specifier: string;
  kind:
    | 'import'
    | 'import type'
    | 'export from'
    | 'export type from'
    | 'import()'
    | 'type import()';
  /** The imported file for a relative specifier, or undefined when none matches. */
  to?: string;
}

const posix = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.[cm]?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `./x.js` names `./x.ts` under moduleResolution Bundler; `./x` may be a folder's index.ts. */
function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [
    base.replace(/\.(m|c)?js$/, '.$1ts'),
    base,
    `${base}.ts`,
    path.join(base, 'index.ts'),
  ];
  return candidates.find((file) => existsSync(file) && statSync(file).isFile());
}

function importsOf(file: string, text = readFileSync(file, 'utf8')): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (node: ts.Node, literal: ts.Expression | undefined, kind: Import['kind']) => {
    if (!literal || !ts.isStringLiteralLike(literal)) return;
    const specifier = literal.text;
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    const to = specifier.startsWith('.') ? resolveRelative(file, specifier) : undefined;
    found.push({
      from: posix(file),
      line: line + 1,
      specifier,
      kind,
      ...(to && { to: posix(to) }),
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const typeOnly = node.importClause?.phaseModifier === ts.SyntaxKind.TypeKeyword;
      add(node, node.moduleSpecifier, typeOnly ? 'import type' : 'import');
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.isTypeOnly ? 'export type from' : 'export from');
    } else if (ts.isImportEqualsDeclaration(node)) {
      const reference = node.moduleReference;
      if (ts.isExternalModuleReference(reference)) add(node, reference.expression, 'import');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], 'import()');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, 'type import()');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `src/aura/client.ts` → `aura`; `src/index.ts` → the entry files. */
function layerOf(file: string): string {
  const parts = file.split('/');
  return parts.length === 2 ? ENTRY : (parts[1] as string);
}

const tierOf = new Map(LAYER_TIERS.flatMap((tier, rank) => tier.map((layer) => [layer, rank])));

const where = (edge: Import) => `${edge.from}:${edge.line} ${edge.kind} '${edge.specifier}'`;

/** Strongly connected components with more than one node (or a self-loop), by Tarjan. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return found;
}

/** One shortest way round a component, from its first member back to it: `a → b → a`. */
function loopThrough(graph: Map<string, Set<string>>, component: string[]): string[] {
  const members = new Set(component);
  const start = component[0] as string;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let at = 0; at < queue.length; at += 1) {
    const node = queue[at] as string;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0] as string) as string);
        return [...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return component;
}

function graphOf(edges: readonly { from: string; to: string }[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)?.add(to);
  }
  return graph;
}

const files = sourceFiles(path.join(ROOT, 'src'));
const imports = files.flatMap((file) => importsOf(file));
const relative = imports.filter((edge) => edge.specifier.startsWith('.'));
const resolved = relative.filter((edge): edge is Import & { to: string } => edge.to !== undefined);

describe('the import rules of docs/ARCHITECTURE.md', () => {
  it('sees every form of import', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C } from './c.js';",
      "export { d } from './d.js';",
      "export type { E } from './e.js';",
      "export * from './f.js';",
      "const g = await import('./g.js');",
      "let h: import('./h.js').H;",
      "// import { x } from './commented-out.js';",
      "/** @example import { y } from 'aura-provisioner'; */",
    ].join('\n');
    const seen = importsOf(path.join(ROOT, 'src/kernel/example.ts'), text);
    expect(seen.map(({ line, specifier, kind }) => [line, specifier, kind])).toEqual([
      [1, './a.js', 'import'],
      [2, './b.js', 'import type'],
      [3, './c.js', 'import'],
      [4, './d.js', 'export from'],
      [5, './e.js', 'export type from'],
      [6, './f.js', 'export from'],
      [7, './g.js', 'import()'],
      [8, './h.js', 'type import()'],
    ]);
    expect(files.length).toBeGreaterThan(100);
    expect(resolved.length).toBeGreaterThan(300);
  });

  it('resolves every relative import to a file in src/', () => {
    const offenders = [
      ...relative
        .filter((edge) => edge.to === undefined)
        .map((edge) => `${where(edge)}: no such file`),
      ...resolved
        .filter((edge) => !edge.to.startsWith('src/'))
        .map((edge) => `${where(edge)}: outside src/`),
    ];
    expect(offenders, offenders.join('\n')).toEqual([]);
  });

  it('places every folder of src/ in a layer', () => {
    const layers = new Set(files.map((file) => layerOf(posix(file))));
    const unplaced = [...layers].filter((layer) => !tierOf.has(layer));
    const missing = [...tierOf.keys()].filter((layer) => !layers.has(layer));
    expect(unplaced, `folders of src/ missing from LAYER_TIERS: ${unplaced.join(', ')}`).toEqual(
      [],
    );
    expect(missing, `LAYER_TIERS names folders src/ lacks: ${missing.join(', ')}`).toEqual([]);
  });

  it('imports only down the layers, never a sibling layer nor upward', () => {
    const offenders = resolved.flatMap((edge) => {
      const [from, to] = [layerOf(edge.from), layerOf(edge.to)];
      if (from === to) return [];
      const [rankFrom, rankTo] = [tierOf.get(from), tierOf.get(to)];
      if (rankFrom === undefined || rankTo === undefined) return [];
      const allowedImporters = IMPORTED_ONLY_BY[to];
      if (allowedImporters && !allowedImporters.includes(from)) {
        return [
          `${where(edge)}: ${to} may be imported only by ${allowedImporters.join(', ') || 'nothing in src/'}`,
        ];
      }
      if (rankTo < rankFrom) return [];
      const direction = rankTo === rankFrom ? 'a sibling layer' : 'upward';
      return [`${where(edge)}: ${from} → ${to} imports ${direction}`];
    });
    expect(offenders, `imports against the layer order:\n${offenders.join('\n')}`).toEqual([]);
  });

  it('keeps framework and test packages at the edges, and never imports itself by name', () => {
    const offenders = imports.flatMap((edge) => {
      const { specifier } = edge;
      if (specifier === PACKAGE_NAME || specifier.startsWith(`${PACKAGE_NAME}/`)) {
        return [`${where(edge)}: import the source file, not the published package`];
      }
      const name = specifier.split('/')[0] as string;
      const layers = PACKAGES_ONLY_IN[name];
      const layer = layerOf(edge.from);
      return layers && !layers.includes(layer)
        ? [`${where(edge)}: ${name} belongs in ${layers.join(', ')}, not ${layer}`]
        : [];
    });
    expect(offenders, offenders.join('\n')).toEqual([]);
  });

  it("reaches each placement's folder only through the dispatch point and the wiring", () => {
    for (const [folder, allowed] of Object.entries(STRATEGY_FOLDERS)) {
      const reaching = resolved
        .filter((edge) => edge.to.startsWith(folder) && !edge.from.startsWith(folder))
        .map((edge) => `${edge.from} → ${edge.to}`);
      const offenders = [...new Set(reaching)].filter((edge) => !allowed.includes(edge));
      expect(offenders, `imports into ${folder} from outside it`).toEqual([]);
      // Each allowed edge exists: a stale entry is deleted, not kept as a loophole.
      expect(allowed.filter((edge) => !reaching.includes(edge))).toEqual([]);
    }
  });

  it("keeps the hosted user's moves in the database strategy: the shared state machine names none", () => {
    const shared = readFileSync(path.join(ROOT, 'src/provisioning/transition.ts'), 'utf8');
    const hosted = [...shared.matchAll(/'(host-awaited|database-[a-z]+)'/g)].map((m) => m[1]);
    expect(hosted, 'hosted events in src/provisioning/transition.ts').toEqual([]);
  });

  it('lets the shared engine (drift, survey, reconcile) reach the hosts only through the strategy', () => {
    const wiring = ['src/provisioning/strategies.ts', 'src/provisioning/build-runtime.ts'];
    const reaching = files
      .map((file) => posix(file))
      .filter((file) => file.startsWith('src/provisioning/') && !wiring.includes(file))
      .filter((file) => !file.startsWith('src/provisioning/database/'))
      .filter((file) =>
        /\brt\.hosts\b|Pick<\s*Runtime,[^>]*'hosts'/.test(
          readFileSync(path.join(ROOT, file), 'utf8'),
        ),
      );
    expect(reaching, 'files that take the hosts from the runtime, not from the strategy').toEqual(
      [],
    );
  });

  it("counts a host's free slots in one place, freeSlotsOf, which every summary of a host reuses", () => {
    const counting = files
      .map((file) => posix(file))
      .filter((file) => file !== 'src/provisioning/database/host-transition.ts')
      .filter((file) =>
        /capacity\s*-\s*[\w.]*used/.test(readFileSync(path.join(ROOT, file), 'utf8')),
      );
    expect(counting, 'files that count free slots themselves').toEqual([]);
  });

  it('has no circular imports between layers', () => {
    const between = resolved
      .map((edge) => ({ from: layerOf(edge.from), to: layerOf(edge.to) }))
      .filter(({ from, to }) => from !== to);
    const graph = graphOf(between);
    const found = cycles(graph).map((component) => loopThrough(graph, component).join(' → '));
    expect(found, `layers importing each other in a circle:\n${found.join('\n')}`).toEqual([]);
  });

  it('has no circular imports between files, type-only imports included', () => {
    const isKnown = (edge: { from: string; to: string }) =>
      KNOWN_CYCLE_EDGES.some((known) => known.from === edge.from && known.to === edge.to);
    const describeLoop = (graph: Map<string, Set<string>>, component: string[]) => {
      const loop = loopThrough(graph, component);
      const steps = loop.slice(1).map((to, step) => {
        const edge = resolved.find((each) => each.from === loop[step] && each.to === to);
        return edge ? `  ${where(edge)}` : `  ${loop[step]} → ${to}`;
      });
      return [loop.join(' → '), ...steps].join('\n');
    };

    const everything = graphOf(resolved);
    const allCycles = cycles(everything);
    const known = allCycles.filter((component) =>
      KNOWN_CYCLE_EDGES.some(
        (edge) => component.includes(edge.from) && component.includes(edge.to),
      ),
    );
    if (known.length > 0) {
      const listed = known.map((component) => describeLoop(everything, component)).join('\n');
      const fixes = KNOWN_CYCLE_EDGES.map((edge) => `  ${edge.from}: ${edge.fix}`).join('\n');
      console.warn(`Known circular imports, still to fix:\n${listed}\nFixes:\n${fixes}`);
    }

    const withoutKnown = graphOf(resolved.filter((edge) => !isKnown(edge)));
    const unknown = cycles(withoutKnown).map((component) => describeLoop(withoutKnown, component));
    expect(unknown, `files importing each other in a circle:\n${unknown.join('\n\n')}`).toEqual([]);

    // A known edge is still to fix while it exists and both its ends sit in one cycle.
    const stale = KNOWN_CYCLE_EDGES.filter(
      (edge) =>
        !everything.get(edge.from)?.has(edge.to) ||
        !known.some((c) => c.includes(edge.from) && c.includes(edge.to)),
    ).map((edge) => `${edge.from} → ${edge.to}`);
    expect(stale, `fixed, so delete from KNOWN_CYCLE_EDGES:\n${stale.join('\n')}`).toEqual([]);
  });
});
