/**
 * Checks done before any code runs: the 10 KB limit, the handler's presence, and the language rules of
 * runtime 1.0 that QuickJS (a newer engine) would otherwise accept. Syntax errors come from QuickJS
 * itself (runtime.ts). A small tokenizer is enough: the rules are about keywords, not grammar.
 */
import { MAX_CODE_BYTES, type FunctionRuntimeVersion } from './limits'

/** A problem at a position, 1-based as Monaco's markers are. */
export interface CodeProblem {
  line: number
  column: number
  message: string
}

interface Token {
  kind: 'name' | 'punct' | 'string' | 'template' | 'regex' | 'number'
  text: string
  line: number
  column: number
}

const REGEX_AFTER_NAMES = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await'])

/** Splits source into tokens, skipping comments; string, template and regex bodies are single tokens. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  const braces: ('block' | 'template')[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const advanceTo = (end: number): void => {
    for (let k = i; k < end && k < source.length; k++) {
      if (source[k] === '\n') {
        line++
        lineStart = k + 1
      }
    }
    i = Math.min(end, source.length)
  }
  const push = (kind: Token['kind'], start: number, end: number, startLine: number, startColumn: number): void => {
    tokens.push({ kind, text: source.slice(start, end), line: startLine, column: startColumn })
  }
  const regexAllowed = (): boolean => {
    const last = tokens[tokens.length - 1]
    if (!last) return true
    if (last.kind === 'name') return REGEX_AFTER_NAMES.has(last.text)
    if (last.kind === 'punct') return ![')', ']', '}'].includes(last.text)
    return false
  }
  // Reads a template body from i (just after ` or }) to the closing ` or the next ${.
  const templateBody = (startLine: number, startColumn: number, start: number): void => {
    let k = i
    while (k < source.length && source[k] !== '`' && !(source[k] === '$' && source[k + 1] === '{')) k += source[k] === '\\' ? 2 : 1
    const end = source[k] === '`' ? k + 1 : k + 2
    if (source[k] !== '`') braces.push('template')
    advanceTo(end)
    push('template', start, end, startLine, startColumn)
  }
  while (i < source.length) {
    const c = source[i]
    const column = i - lineStart + 1
    const startLine = line
    if (/\s/.test(c)) {
      advanceTo(i + 1)
    } else if (c === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i)
      advanceTo(end < 0 ? source.length : end)
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2)
      advanceTo(end < 0 ? source.length : end + 2)
    } else if (c === '"' || c === "'") {
      let k = i + 1
      while (k < source.length && source[k] !== c && source[k] !== '\n') k += source[k] === '\\' ? 2 : 1
      const start = i
      advanceTo(k + 1)
      push('string', start, i, startLine, column)
    } else if (c === '`') {
      const start = i
      advanceTo(i + 1)
      templateBody(startLine, column, start)
    } else if (c === '}' && braces[braces.length - 1] === 'template') {
      braces.pop()
      const start = i
      advanceTo(i + 1)
      templateBody(startLine, column, start)
    } else if (c === '/' && regexAllowed()) {
      let k = i + 1
      let inClass = false
      while (k < source.length && source[k] !== '\n' && (inClass || source[k] !== '/')) {
        if (source[k] === '[') inClass = true
        else if (source[k] === ']') inClass = false
        k += source[k] === '\\' ? 2 : 1
      }
      k++
      while (k < source.length && /[a-z]/i.test(source[k])) k++
      const start = i
      advanceTo(k)
      push('regex', start, i, startLine, column)
    } else if (/[A-Za-z_$\u0080-\uffff]/.test(c)) {
      let k = i + 1
      while (k < source.length && /[\w$\u0080-\uffff]/.test(source[k])) k++
      const start = i
      advanceTo(k)
      push('name', start, i, startLine, column)
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      let k = i + 1
      while (k < source.length && /[\w.]/.test(source[k])) k++
      const start = i
      advanceTo(k)
      push('number', start, i, startLine, column)
    } else {
      const three = source.slice(i, i + 3)
      const text = three === '...' ? three : c
      if (c === '{') braces.push('block')
      else if (c === '}') braces.pop()
      const start = i
      advanceTo(i + text.length)
      push('punct', start, i, startLine, column)
    }
  }
  return tokens
}

/**
 * Runtime 1.0's refusals: what AWS's "JavaScript runtime 2.0 features" page lists and the 1.0 page
 * does not. Both pages claim to list every supported feature, and their core sections differ only in
 * `const` and `let` (ES 6 statements) and `async` and `await` (ES 8), plus ES module syntax, which
 * only the 2.0 page uses (`import cf from 'cloudfront'`). Everything else they share, so 1.0 accepts
 * it: arrow functions, rest parameters, template literals (multiline, interpolation, nesting), `**`,
 * labeled statements. Syntax neither page lists (classes, destructuring, spread, optional chaining,
 * generators, for-of) is not a 1.0/2.0 difference and is not refused here (README).
 */
const V1_REFUSED: Record<string, string> = {
  const: '"const" is not supported in cloudfront-js-1.0 (use var, or runtime cloudfront-js-2.0)',
  let: '"let" is not supported in cloudfront-js-1.0 (use var, or runtime cloudfront-js-2.0)',
  await: '"await" is not supported in cloudfront-js-1.0 (async/await need cloudfront-js-2.0)',
  import: 'ES modules ("import") are not supported in cloudfront-js-1.0 (use require, or cloudfront-js-2.0)',
  export: 'ES modules ("export") are not supported in cloudfront-js-1.0'
}

function isPropertyName(tokens: Token[], index: number): boolean {
  const before = tokens[index - 1]
  const after = tokens[index + 1]
  return (before?.kind === 'punct' && before.text === '.') || (after?.kind === 'punct' && after.text === ':' && before?.text !== '?')
}

/**
 * Whether `async` at `index` starts an async function: `async function`, `async x =>`, `async (…) =>`,
 * or a method (`async name(`, `async *name(`). `async(…)` without an arrow calls a function that
 * happens to be named async, which 1.0 allows.
 */
function isAsyncFunction(tokens: Token[], index: number): boolean {
  // The tokenizer keeps punctuation to single characters: `=>` is `=` then `>`.
  const arrowAt = (k: number) => tokens[k]?.text === '=' && tokens[k + 1]?.text === '>'
  const next = tokens[index + 1]!
  if (next.text === 'function' || next.text === '*') return true
  if (next.kind === 'name') return arrowAt(index + 2) || tokens[index + 2]?.text === '('
  if (next.text !== '(') return false
  let depth = 0
  for (let k = index + 1; k < tokens.length; k++) {
    const text = tokens[k]!.kind === 'punct' ? tokens[k]!.text : ''
    if (text === '(') depth++
    else if (text === ')' && --depth === 0) return arrowAt(k + 1)
  }
  return false
}

function languageProblems(tokens: Token[], runtime: FunctionRuntimeVersion): CodeProblem[] {
  if (runtime !== 'cloudfront-js-1.0') return []
  const problems: CodeProblem[] = []
  tokens.forEach((token, index) => {
    if (token.kind !== 'name' || isPropertyName(tokens, index)) return
    const next = tokens[index + 1]
    let message = V1_REFUSED[token.text]
    if (token.text === 'async' && next && isAsyncFunction(tokens, index)) {
      message = '"async" functions are not supported in cloudfront-js-1.0 (use cloudfront-js-2.0)'
    }
    if (message) problems.push({ line: token.line, column: token.column, message })
  })
  return problems
}

/** True when the top level declares `handler` as a function declaration or a variable. */
function declaresHandler(tokens: Token[]): boolean {
  let depth = 0
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]
    if (token.kind === 'punct' && (token.text === '{' || token.text === '(' || token.text === '[')) depth++
    else if (token.kind === 'punct' && (token.text === '}' || token.text === ')' || token.text === ']')) depth--
    else if (depth === 0 && token.kind === 'name' && token.text === 'handler') {
      const before = tokens[index - 1]?.text
      if (before === 'function' || before === 'var' || before === 'let' || before === 'const') return true
      if (before === '*' && tokens[index - 2]?.text === 'function') return true
    }
  }
  return false
}

/**
 * Everything that can be said about `code` without running it: size, runtime 1.0's language rules and
 * the handler. Syntax errors are added by the sandbox, which asks QuickJS.
 */
export function staticProblems(code: string, runtime: FunctionRuntimeVersion): CodeProblem[] {
  const bytes = Buffer.byteLength(code)
  if (bytes > MAX_CODE_BYTES) {
    return [{ line: 1, column: 1, message: `The function is ${bytes} bytes; CloudFront's limit is ${MAX_CODE_BYTES} (10 KB)` }]
  }
  const tokens = tokenize(code)
  const problems = languageProblems(tokens, runtime)
  if (!declaresHandler(tokens)) {
    problems.push({ line: 1, column: 1, message: 'The code must define a top-level function named "handler"' })
  }
  return problems
}
