import { builtinModules } from 'node:module';
import ts from 'typescript';

/** One package a source file needs: by import/require/resolve, or as a `--import <loader>` it starts node with. */
export interface PackageUse {
  name: string;
  /** `import type …` / `export type … from`: needed to typecheck only, never at run time. */
  typeOnly: boolean;
}

const BUILTINS = new Set(builtinModules);

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`; relative, absolute, `node:` and builtins → undefined. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:'))
    return undefined;
  if (/^[a-z]+:/i.test(specifier)) return undefined; // data:, file:, virtual: …
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (!name || BUILTINS.has(name)) return undefined;
  return name;
}

function stringArg(node: ts.CallExpression): string | undefined {
  const first = node.arguments[0];
  return first && ts.isStringLiteralLike(first) ? first.text : undefined;
}

/** Every package a TypeScript/JavaScript source text uses, read from its syntax tree (comments never count). */
export function packagesUsedIn(fileName: string, text: string): PackageUse[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const uses: PackageUse[] = [];
  const add = (specifier: string | undefined, typeOnly: boolean) => {
    const name = specifier === undefined ? undefined : packageOf(specifier);
    if (name) uses.push({ name, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.importClause?.isTypeOnly ?? false);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) add(literal.text, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isResolve = ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve';
      if (
        isImport ||
        isRequire ||
        (isResolve && ts.isPropertyAccessExpression(callee) && isModuleResolve(callee))
      ) {
        add(stringArg(node), false);
      }
    } else if (ts.isArrayLiteralExpression(node)) {
      // spawn(process.execPath, ['--import', 'tsx', main]): the loader is a run-time dependency.
      node.elements.forEach((element, k) => {
        const next = node.elements[k + 1];
        if (
          ts.isStringLiteralLike(element) &&
          element.text === '--import' &&
          next &&
          ts.isStringLiteralLike(next)
        ) {
          add(next.text, false);
        }
      });
    }
    if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) {
      for (const loader of loadersInCommand(node.getText(source))) add(loader, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

/** `require.resolve('x')`, `import.meta.resolve('x')`. */
function isModuleResolve(callee: ts.PropertyAccessExpression): boolean {
  const target = callee.expression;
  if (ts.isIdentifier(target)) return target.text === 'require';
  if (ts.isCallExpression(target))
    return ts.isIdentifier(target.expression) && target.expression.text === 'createRequire';
  return ts.isMetaProperty(target);
}

/** `@import "tailwindcss";` in a stylesheet a bundler resolves. */
export function packagesUsedInCss(text: string): PackageUse[] {
  return [...text.matchAll(/@import\s+(?:url\()?["']([^"']+)["']/g)]
    .map((m) => packageOf(m[1] as string))
    .filter((name): name is string => name !== undefined)
    .map((name) => ({ name, typeOnly: false }));
}

/** `node --import tsx x.ts` / `--import=tsx` inside a command line. */
export function loadersInCommand(command: string): string[] {
  return [...command.matchAll(/--import[= ]([@\w][\w@/.-]*)/g)].map((m) => m[1] as string);
}
