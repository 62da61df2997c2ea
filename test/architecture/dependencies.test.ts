/**
 * The workspace packages depend on each other in one direction only, and each declares in
 * its own package.json every package its source imports. Imports are read with the
 * TypeScript parser (static, re-exports, dynamic `import()` and `import('x').T` types).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const PACKAGES = join(ROOT, 'packages');

/**
 * Layers, lowest first: a package imports only packages of a lower layer, never one of its
 * own or a higher one. The domain is pure; reading files (ingest) and storing (store) are
 * adapters beside each other; the pipeline and the API use them; the local platform runs
 * everything without AWS; the tools run the local platform.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['domain'],
  ['ingest', 'store', 'demo'],
  ['pipeline', 'api'],
  ['local', 'web-public', 'web-staff'],
  ['cli', 'accuracy'],
  // The county benchmark drives the staff CLI and the accuracy comparison, as a user would.
  ['bench'],
];

/**
 * npm packages the domain may import: zod (schemas) and opencc-js (traditional → simplified
 * Chinese in name normalisation). No SDK, web framework or file-format library.
 */
const DOMAIN_LIBRARIES = ['zod', 'opencc-js'];

/**
 * Packages bundled into the Lambda functions: what they import must be a runtime dependency.
 * The others only run on a developer's machine or in CI and may declare dev dependencies.
 */
const DEPLOYED = ['domain', 'ingest', 'store', 'pipeline', 'api'];

interface Import {
  readonly file: string;
  readonly specifier: string;
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const add = (node: ts.Node | undefined, typeOnly: boolean) => {
    if (node && ts.isStringLiteral(node)) found.push({ file, specifier: node.text, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allTypes =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!bindings &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, allTypes);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `@jiandu/store/dynamo` → `@jiandu/store`; `lodash/fp` → `lodash`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

const isBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] as string);

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const workspaces = readdirSync(PACKAGES)
  .filter((name) => statSync(join(PACKAGES, name, 'package.json'), { throwIfNoEntry: false })?.isFile())
  .map((name) => {
    const dir = join(PACKAGES, name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    return { name, dir, manifest, imports: sourceFiles(join(dir, 'src')).flatMap((f) => importsOf(f)) };
  });

const layerOf = (name: string) => LAYERS.findIndex((layer) => layer.includes(name));
const where = (i: Import) => `${relative(ROOT, i.file)} imports ${i.specifier}`;

describe('workspace dependencies', () => {
  it('knows every workspace package', () => {
    expect(workspaces.map((w) => w.name).filter((name) => layerOf(name) < 0)).toEqual([]);
    expect(workspaces.length).toBeGreaterThanOrEqual(LAYERS.flat().length);
  });

  it.each(workspaces.map((w) => [w.name, w] as const))('%s imports only lower layers', (name, w) => {
    const wrong = w.imports
      .filter((i) => i.specifier.startsWith('@jiandu/'))
      .filter((i) => {
        const target = packageName(i.specifier).slice('@jiandu/'.length);
        return layerOf(target) < 0 || layerOf(target) >= layerOf(name);
      })
      .map(where);
    expect(wrong).toEqual([]);
  });

  it.each(workspaces.map((w) => [w.name, w] as const))('%s stays inside its own folder', (_name, w) => {
    const escaping = w.imports
      .filter((i) => i.specifier.startsWith('.'))
      .filter((i) => relative(w.dir, resolve(dirname(i.file), i.specifier)).startsWith('..'))
      .map(where);
    expect(escaping).toEqual([]);
  });

  it.each(workspaces.map((w) => [w.name, w] as const))('%s declares what it imports', (name, w) => {
    const types = { ...w.manifest.dependencies, ...w.manifest.devDependencies };
    const runtime = DEPLOYED.includes(name) ? (w.manifest.dependencies ?? {}) : types;
    const undeclared = w.imports
      .filter((i) => !i.specifier.startsWith('.') && !isBuiltin(i.specifier))
      .filter((i) => {
        const name = packageName(i.specifier);
        if (name === w.manifest.name || name in runtime) return false;
        // Type-only imports of an untyped package come from its @types package.
        const typesPackage = `@types/${name.replace(/^@(.+)\/(.+)$/, '$1__$2')}`;
        return !(i.typeOnly && (name in types || typesPackage in types));
      })
      .map(where);
    expect(undeclared).toEqual([]);
  });

  it.each(workspaces.map((w) => [w.name, w] as const))(
    '%s declares nothing it does not import',
    (_name, w) => {
      const used = new Set(w.imports.map((i) => packageName(i.specifier)));
      const unused = Object.keys(w.manifest.dependencies ?? {}).filter((name) => !used.has(name));
      expect(unused).toEqual([]);
    },
  );

  it('keeps the domain free of SDKs, web frameworks and file-format libraries', () => {
    const domain = workspaces.find((w) => w.name === 'domain');
    const libraries = (domain?.imports ?? [])
      .filter((i) => !i.specifier.startsWith('.') && !isBuiltin(i.specifier))
      .filter((i) => !DOMAIN_LIBRARIES.includes(packageName(i.specifier)))
      .map(where);
    expect(libraries).toEqual([]);
  });

  it('keeps the deployed code away from the local platform and the tools', () => {
    const deployed = ['functions', 'infra'].flatMap((dir) =>
      sourceFiles(join(ROOT, dir)).flatMap((f) => importsOf(f)),
    );
    const wrong = deployed
      .filter((i) =>
        ['@jiandu/local', '@jiandu/cli', '@jiandu/accuracy', '@jiandu/bench', '@jiandu/demo'].includes(
          packageName(i.specifier),
        ),
      )
      .map(where);
    expect(wrong).toEqual([]);
  });

  it('reads every kind of import it checks', () => {
    const probe = [
      "import { z } from 'zod';",
      "import type { VersionRepository } from '@jiandu/domain/ports';",
      "import { type DatasetVersion } from '@jiandu/domain/versions';",
      "export { keys } from '@jiandu/store';",
      "export type { Sibling } from './sibling.js';",
      "const api = await import('@jiandu/api');",
      "let row: import('@jiandu/ingest').Row;",
    ].join('\n');
    expect(importsOf('probe.ts', probe).map((i) => [i.specifier, i.typeOnly])).toEqual([
      ['zod', false],
      ['@jiandu/domain/ports', true],
      ['@jiandu/domain/versions', true],
      ['@jiandu/store', false],
      ['./sibling.js', true],
      ['@jiandu/api', false],
      ['@jiandu/ingest', true],
    ]);
  });
});
