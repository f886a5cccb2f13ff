import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The repository root: the nearest folder above this file (in the sources or a build folder) with a tsconfig.json. */
export const REPO_ROOT = (() => {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, 'tsconfig.json'))) dir = path.dirname(dir);
  return dir;
})();

export interface ImportEdge {
  /** Both repository-relative, with forward slashes. */
  from: string;
  to: string;
  /** `import type` / `export type`, or every name imported as a type: erased at run time. */
  typeOnly: boolean;
}

/**
 * The tsconfig `paths` (`@app/x` -> a file, `@app/x/*` -> a folder's
 * files), read from tsconfig.json so a new alias is seen at once.
 */
function aliases(): Map<string, string> {
  const config = ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), (file) => ts.sys.readFile(file)).config as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return new Map(
    Object.entries(config.compilerOptions.paths).map(([alias, [target]]) => [alias, path.normalize(target)]),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    if (statSync(path.join(REPO_ROOT, relative)).isDirectory()) return sourceFiles(relative);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [relative] : [];
  });
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import runs the module
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    !clause.name &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
}

/**
 * Every import of a source file under `dirs` that resolves to
 * another source file of the repository (packages are left out).
 */
export function importEdges(dirs: string[]): ImportEdge[] {
  const paths = aliases();
  const edges: ImportEdge[] = [];
  for (const file of dirs.flatMap(sourceFiles)) {
    const source = ts.createSourceFile(
      file,
      readFileSync(path.join(REPO_ROOT, file), 'utf8'),
      ts.ScriptTarget.Latest,
      false,
    );
    const visit = (node: ts.Node): void => {
      let specifier: string | undefined;
      let typeOnly = false;
      if (
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        specifier = node.moduleSpecifier.text;
        typeOnly = isTypeOnly(node);
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        specifier = node.arguments[0].text; // await import('./x.js')
      }
      const target = specifier === undefined ? undefined : resolve(file, specifier, paths);
      if (target) edges.push({ from: toPosix(file), to: toPosix(target), typeOnly });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return edges;
}

/**
 * The classes under `dirs` that carry one of `decorators` (`@Controller(...)`, `@WebSocketGateway(...)`), by the
 * decorator's name as written: one entry per class and decorator.
 */
export function decoratedClasses(dirs: string[], decorators: string[]): Array<{ file: string; decorator: string }> {
  const found: Array<{ file: string; decorator: string }> = [];
  for (const file of dirs.flatMap(sourceFiles)) {
    const source = ts.createSourceFile(file, readFileSync(path.join(REPO_ROOT, file), 'utf8'), ts.ScriptTarget.Latest);
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node))
        for (const decorator of ts.getDecorators(node) ?? []) {
          const call = decorator.expression;
          const name = ts.isCallExpression(call) && ts.isIdentifier(call.expression) ? call.expression.text : undefined;
          if (name && decorators.includes(name)) found.push({ file: toPosix(file), decorator: name });
        }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

function resolve(file: string, specifier: string, paths: Map<string, string>): string | undefined {
  if (paths.has(specifier)) return paths.get(specifier);
  const wildcard = [...paths.keys()].find((alias) => alias.endsWith('/*') && specifier.startsWith(alias.slice(0, -1)));
  // `@app/x/*`
  if (wildcard)
    return path.join(paths.get(wildcard)!.slice(0, -1), specifier.slice(wildcard.length - 1)).replace(/\.js$/, '.ts');
  if (!specifier.startsWith('.')) return undefined;
  const target = path.normalize(path.join(path.dirname(file), specifier)).replace(/\.js$/, '.ts');
  return existsSync(path.join(REPO_ROOT, target)) ? target : undefined;
}

const toPosix = (file: string) => file.split(path.sep).join('/');

/**
 * The groups of names that reach each other through `edges`
 * (Tarjan's strongly connected components of more than one name).
 */
export function cycles(edges: Array<[string, string]>): string[][] {
  const next = new Map<string, Set<string>>();
  for (const [from, to] of edges) if (from !== to) next.set(from, (next.get(from) ?? new Set()).add(to));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (stack.includes(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      group.push(member);
    } while (member !== node);
    if (group.length > 1) groups.push(group.sort());
  };
  for (const node of next.keys()) if (!index.has(node)) connect(node);
  return groups;
}
