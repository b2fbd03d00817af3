import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

/** Each module, as a path from `root`, and the modules of the repository it imports. */
export type ImportGraph = Record<string, string[]>;

/**
 * Every TypeScript module below `dirs` (paths from `root`) and the repository's modules it imports, type-only
 * imports, `export … from`, `require()` and `import()` included, each resolved as the compiler resolves it under
 * `tsconfig` (its `paths` included: a package imported by its name is its sources). Modules of node_modules are left
 * out. The compiler's pre-processor reads the imports without building a syntax tree, so the whole repository's
 * graph takes a fraction of a second.
 */
export function importGraph(root: string, dirs: string[], tsconfig: string): ImportGraph {
  const { config } = ts.readConfigFile(tsconfig, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(tsconfig));
  const cache = ts.createModuleResolutionCache(root, (name) => name, options);
  const graph: ImportGraph = {};
  for (const dir of dirs) {
    for (const name of fs.readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })) {
      if (!name.endsWith('.ts') || name.endsWith('.d.ts')) continue;
      const file = path.join(root, dir, name);
      const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
      const imported = importedFiles
        .map(({ fileName }) => ts.resolveModuleName(fileName, file, options, ts.sys, cache).resolvedModule?.resolvedFileName)
        .filter((resolved): resolved is string => resolved !== undefined && !resolved.endsWith('.d.ts') && !resolved.split(path.sep).includes('node_modules'))
        .map((resolved) => path.relative(root, resolved));
      graph[path.relative(root, file)] = [...new Set(imported)].sort();
    }
  }
  return graph;
}

/**
 * The import cycles of `graph`: each group of modules that reach one another through imports (Tarjan's strongly
 * connected components), and each module that imports itself.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph[file] ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph[file]?.includes(file)) cycles.push(component.sort());
  };
  for (const file of Object.keys(graph)) if (!index.has(file)) visit(file);
  return cycles;
}
