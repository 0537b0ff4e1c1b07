import Prism from 'prismjs';
import 'prismjs/components/prism-clike';
import 'prismjs/components/prism-javascript';
import 'prismjs/components/prism-typescript';
import 'prismjs/components/prism-jsx';
import 'prismjs/components/prism-tsx';
import 'prismjs/components/prism-go';
import 'prismjs/components/prism-rust';
import 'prismjs/components/prism-java';
import 'prismjs/components/prism-kotlin';
import 'prismjs/components/prism-c';
import 'prismjs/components/prism-cpp';
import 'prismjs/components/prism-csharp';
import 'prismjs/components/prism-css';
import 'prismjs/components/prism-scss';
import 'prismjs/components/prism-python';
import 'prismjs/components/prism-bash';
import 'prismjs/components/prism-yaml';
import 'prismjs/components/prism-json';
import 'prismjs/components/prism-diff';
import 'prismjs/components/prism-toml';
import 'prismjs/components/prism-docker';
import 'prismjs/components/prism-makefile';
import 'prismjs/components/prism-markdown';

/**
 * Syntax highlighting through Prism's tokenizer (only the languages imported above are bundled). Tokens
 * come back as data and are rendered as React elements (code-view.tsx), never as HTML strings.
 */
export type TokenKind = 'plain' | 'comment' | 'string' | 'number' | 'keyword' | 'literal' | 'key' | 'meta';
export interface Token {
  text: string;
  kind: TokenKind;
}

/** File extension or fence name → Prism grammar name. */
const grammarOf: Record<string, string> = {
  ts: 'typescript',
  typescript: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  javascript: 'javascript',
  jsx: 'jsx',
  mjs: 'javascript',
  cjs: 'javascript',
  go: 'go',
  rs: 'rust',
  rust: 'rust',
  java: 'java',
  kt: 'kotlin',
  c: 'c',
  h: 'c',
  cpp: 'cpp',
  cs: 'csharp',
  css: 'css',
  scss: 'scss',
  py: 'python',
  python: 'python',
  sh: 'bash',
  bash: 'bash',
  shell: 'bash',
  zsh: 'bash',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  diff: 'diff',
  patch: 'diff',
  toml: 'toml',
  dockerfile: 'docker',
  makefile: 'makefile',
  md: 'markdown',
  markdown: 'markdown',
};

/** Prism token types → the few colours the UI uses. */
const kindOf: Record<string, TokenKind> = {
  comment: 'comment',
  prolog: 'comment',
  string: 'string',
  char: 'string',
  'template-string': 'string',
  regex: 'string',
  url: 'string',
  inserted: 'string',
  number: 'number',
  deleted: 'number',
  keyword: 'keyword',
  important: 'keyword',
  rule: 'keyword',
  atrule: 'keyword',
  boolean: 'literal',
  constant: 'literal',
  builtin: 'literal',
  'class-name': 'literal',
  function: 'literal',
  property: 'key',
  key: 'key',
  'attr-name': 'key',
  selector: 'key',
  tag: 'meta',
  variable: 'meta',
  directive: 'meta',
  title: 'keyword',
};

export function languageOf(path: string): string | undefined {
  const name = path.split('/').pop()?.toLowerCase() ?? '';
  if (name === 'dockerfile' || name === 'makefile') return name;
  const ext = name.includes('.') ? name.split('.').pop()! : '';
  return grammarOf[ext] ? ext : undefined;
}

/** Tokens per line. Unknown languages come back as plain lines. */
export function highlight(text: string, lang: string | undefined): Token[][] {
  const name = lang ? grammarOf[lang.toLowerCase()] : undefined;
  const grammar = name ? Prism.languages[name] : undefined;
  const flat: Token[] = [];
  if (grammar) flatten(Prism.tokenize(text, grammar), 'plain', flat);
  else flat.push({ text, kind: 'plain' });
  const lines: Token[][] = [[]];
  for (const token of flat) {
    token.text.split('\n').forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines.at(-1)!.push({ text: part, kind: token.kind });
    });
  }
  return lines;
}

function flatten(stream: Prism.TokenStream, inherited: TokenKind, out: Token[]): void {
  if (typeof stream === 'string') {
    out.push({ text: stream, kind: inherited });
    return;
  }
  if (Array.isArray(stream)) {
    for (const part of stream) flatten(part, inherited, out);
    return;
  }
  const kind = kindOf[stream.type] ?? inherited;
  flatten(stream.content, kind, out);
}

export const tokenClass: Record<TokenKind, string> = {
  plain: '',
  comment: 'text-slate-500 italic',
  string: 'text-emerald-700',
  number: 'text-amber-700',
  keyword: 'text-purple-700 font-medium',
  literal: 'text-sky-700',
  key: 'text-indigo-700',
  meta: 'text-sky-700',
};
