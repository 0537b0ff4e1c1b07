/**
 * A small token highlighter: comments, strings, numbers, keywords and a few language specifics. It is
 * deliberately approximate — enough to make code readable, never a parser.
 */
export type TokenKind = 'plain' | 'comment' | 'string' | 'number' | 'keyword' | 'literal' | 'key' | 'meta';
export interface Token {
  text: string;
  kind: TokenKind;
}

interface Language {
  rules: [TokenKind, RegExp][];
  keywords?: Set<string>;
  literals?: Set<string>;
}

const words = (s: string) => new Set(s.split(' '));
const cString = /"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?/;
const number = /\b(?:0x[\da-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?n?)\b/;
const ident = /[A-Za-z_$][\w$]*/;

const cLike = (keywords: string, extra: [TokenKind, RegExp][] = []): Language => ({
  rules: [
    ['comment', /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/],
    ...extra,
    ['string', cString],
    ['number', number],
    ['plain', ident],
  ],
  keywords: words(keywords),
  literals: words('true false null undefined nil None this self super'),
});

const js = cLike(
  'as async await break case catch class const continue debugger default delete do else enum export extends finally for from function get if implements import in instanceof interface let new of private protected public readonly return satisfies set static switch throw try type typeof var void while with yield',
  [['string', /`(?:[^`\\]|\\.)*`?/]],
);
const go = cLike(
  'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var',
  [['string', /`[^`]*`?/]],
);
const rust = cLike(
  'as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return static struct trait type unsafe use where while',
);
const java = cLike(
  'abstract boolean break byte case catch char class const continue default do double else enum extends final finally float for if implements import instanceof int interface long new package private protected public return short static super switch synchronized throw throws try void volatile while',
);
const css: Language = {
  rules: [
    ['comment', /\/\*[\s\S]*?(?:\*\/|$)/],
    ['string', cString],
    ['number', /-?\d+(?:\.\d+)?(?:px|rem|em|%|s|ms|vh|vw)?/],
    ['keyword', /@[\w-]+/],
    ['key', /[\w-]+(?=\s*:)/],
  ],
};
const hash = (keywords: string, literals = 'true false None null'): Language => ({
  rules: [
    ['comment', /#[^\n]*/],
    ['string', /"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)/],
    ['string', cString],
    ['number', number],
    ['plain', ident],
  ],
  keywords: words(keywords),
  literals: words(literals),
});
const python = hash(
  'and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield',
);
const shell = hash(
  'if then else elif fi for while until do done case esac function in export local return set unset source echo cd exit',
  'true false',
);
const yaml: Language = {
  rules: [
    ['comment', /#[^\n]*/],
    ['key', /[\w.-]+(?=\s*:(?:\s|$))/],
    ['string', cString],
    ['number', number],
    ['meta', /^---$/m],
    ['plain', ident],
  ],
  literals: words('true false null yes no on off'),
};
const json: Language = {
  rules: [
    ['key', /"(?:[^"\\\n]|\\.)*"(?=\s*:)/],
    ['string', cString],
    ['number', /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/],
    ['plain', ident],
  ],
  literals: words('true false null'),
};
const diff: Language = {
  rules: [
    ['meta', /^@@[^\n]*/m],
    ['string', /^\+[^\n]*/m],
    ['comment', /^-[^\n]*/m],
  ],
};

const byExtension: Record<string, Language> = {
  ts: js,
  tsx: js,
  js: js,
  jsx: js,
  mjs: js,
  cjs: js,
  go,
  rs: rust,
  java,
  kt: java,
  c: java,
  h: java,
  cpp: java,
  cs: java,
  css,
  scss: css,
  py: python,
  sh: shell,
  bash: shell,
  zsh: shell,
  yaml: yaml,
  yml: yaml,
  json,
  diff,
  patch: diff,
  toml: hash('', 'true false'),
  dockerfile: shell,
};

export function languageOf(path: string): string | undefined {
  const name = path.split('/').pop()?.toLowerCase() ?? '';
  if (name === 'dockerfile' || name === 'makefile') return 'sh';
  const ext = name.includes('.') ? name.split('.').pop()! : '';
  return byExtension[ext] ? ext : undefined;
}

/** Tokens per line. Unknown languages come back as plain lines. */
export function highlight(text: string, lang: string | undefined): Token[][] {
  const language = lang ? byExtension[lang] : undefined;
  const tokens = language ? tokenize(text, language) : [{ text, kind: 'plain' as const }];
  const lines: Token[][] = [[]];
  for (const token of tokens) {
    const parts = token.text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines.at(-1)!.push({ text: part, kind: token.kind });
    });
  }
  return lines;
}

function tokenize(text: string, lang: Language): Token[] {
  const combined = new RegExp(lang.rules.map(([, r]) => `(${r.source})`).join('|'), 'gm');
  const out: Token[] = [];
  let last = 0;
  for (const match of text.matchAll(combined)) {
    const index = match.index ?? 0;
    if (match[0] === '') {
      combined.lastIndex++;
      continue;
    }
    if (index > last) out.push({ text: text.slice(last, index), kind: 'plain' });
    const rule = match.slice(1).findIndex((g) => g !== undefined);
    let kind = lang.rules[rule]?.[0] ?? 'plain';
    if (kind === 'plain' && lang.keywords?.has(match[0])) kind = 'keyword';
    else if (kind === 'plain' && lang.literals?.has(match[0])) kind = 'literal';
    out.push({ text: match[0], kind });
    last = index + match[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), kind: 'plain' });
  return out;
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
