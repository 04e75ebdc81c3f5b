import { describe, expect, it } from 'vitest'
import { staticProblems, tokenize } from './language-check'

const V1 = 'cloudfront-js-1.0'
const V2 = 'cloudfront-js-2.0'

describe('tokenize', () => {
  it('skips comments and keeps strings, templates and regexes whole', () => {
    const tokens = tokenize("var a = 'const' // let\n/* let */ var r = /let[/]x/g; var t = `a${ b + `c${d}` }e`")
    expect(tokens.map((t) => t.text)).toEqual([
      'var', 'a', '=', "'const'", 'var', 'r', '=', '/let[/]x/g', ';', 'var', 't', '=', '`a${', 'b', '+', '`c${', 'd', '}`', '}e`'
    ])
    expect(tokens[4]).toMatchObject({ line: 2, column: 11 })
  })

  it('reads a slash after a value as division', () => {
    expect(tokenize('a / b / c').map((t) => t.kind)).toEqual(['name', 'punct', 'name', 'punct', 'name'])
  })
})

/**
 * Each rule from AWS's runtime pages (functions-javascript-runtime-10 / -20): the 1.0 page says "The
 * const and let statements are not supported"; the 2.0 page adds const and let (ES 6), async and
 * await (ES 8) and shows `import cf from 'cloudfront'`. Each row is refused at its position in 1.0
 * and accepted in 2.0.
 */
const wrap = (body: string) => `function handler(e) {\n${body}\n  return e\n}`
const V1_RULES: [string, string, number, number, string][] = [
  ['const', wrap('  const x = 1'), 2, 3, '"const" is not supported'],
  ['let', wrap('  for (let i = 0; i < 1; i++) {}'), 2, 8, '"let" is not supported'],
  ['an async function declaration', 'async function handler(e) { return e }', 1, 1, '"async" functions'],
  ['an async function expression', wrap('  var f = async function () {}'), 2, 11, '"async" functions'],
  ['an async arrow with parentheses', 'var f = async (a, b) => a\nfunction handler(e) { return e }', 1, 9, '"async" functions'],
  ['an async arrow without parentheses', 'var f = async a => a\nfunction handler(e) { return e }', 1, 9, '"async" functions'],
  ['an async method', wrap('  var o = { async load() { return 1 } }'), 2, 13, '"async" functions'],
  ['an async generator method', wrap('  var o = { async *rows() {} }'), 2, 13, '"async" functions'],
  ['await', 'function handler(e) { return await e }', 1, 30, '"await"'],
  ['for await', wrap('  for await (var x of []) {}'), 2, 7, '"await"'],
  ['an import declaration', "import cf from 'cloudfront'\nfunction handler(e) { return e }", 1, 1, 'ES modules ("import")'],
  ['a dynamic import()', wrap("  var m = import('crypto')"), 2, 11, 'ES modules ("import")'],
  ['export', 'export function handler(e) { return e }', 1, 1, 'ES modules ("export")']
]

describe('staticProblems: runtime 1.0 language rules (AWS runtime 1.0 and 2.0 feature pages)', () => {
  it.each(V1_RULES)('refuses %s in 1.0 at its line and column', (_name, code, line, column, message) => {
    const problems = staticProblems(code, V1)
    expect(problems[0]).toMatchObject({ line, column })
    expect(problems[0]!.message).toContain(message)
  })

  it.each(V1_RULES)('accepts %s in 2.0', (_name, code) => {
    expect(staticProblems(code, V2)).toEqual([])
  })

  // What the 1.0 page lists as supported: never refused.
  it.each([
    ['arrow functions', wrap('  var f = (a) => a; var g = a => a; var h = () => { return 1 }')],
    ['rest parameters', wrap('  var f = function (first, ...rest) { return rest }; var g = (...a) => a')],
    ['template literals: multiline, interpolation, nesting', wrap('  var t = `a\n  ${e.request.uri} ${`inner ${1 + 1}`}`')],
    ['the exponentiation operator', wrap('  var x = 2 ** 10; x **= 2')],
    ['labeled statements', wrap('  outer: for (var i = 0; i < 2; i++) { for (;;) { break outer } }')],
    ['a function named async, called', wrap('  var async = function (x) { return x }; async(1); async (2)')],
    ['keywords as property names', wrap("  var o = { const: 1, let: 2, async: 3, await: 4, import: 5 }; o.let = o.const + o.async + o.import")],
    ['keywords in strings, comments and regexes', wrap("  var s = 'const let async await import' // let x\n  var r = /await|import/")]
  ])('accepts %s in 1.0', (_name, code) => {
    expect(staticProblems(code, V1)).toEqual([])
  })

  it('allows const, let, async/await and import in 2.0', () => {
    const code = "import cf from 'cloudfront'\nasync function handler(e) {\n  const kvs = cf.kvs()\n  let v = await kvs.exists('k')\n  return e\n}"
    expect(staticProblems(code, V2)).toEqual([])
  })
})

describe('staticProblems: size and handler', () => {
  it('refuses code over 10 KB (UTF-8 bytes)', () => {
    const code = `function handler(e) { return e }\n//${'é'.repeat(5200)}`
    expect(staticProblems(code, V2)[0].message).toContain('10 KB')
  })

  it('requires a top-level handler, declared as a function or a variable', () => {
    expect(staticProblems('function other(e) { return e }', V2)[0].message).toContain('"handler"')
    expect(staticProblems('function outer() { function handler(e) { return e } }', V2)).toHaveLength(1)
    expect(staticProblems('var handler = function (e) { return e }', V1)).toEqual([])
    expect(staticProblems('const handler = async (e) => e', V2)).toEqual([])
  })
})
