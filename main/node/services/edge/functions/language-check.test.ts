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

describe('staticProblems: runtime 1.0 language rules (AWS: "The const and let statements are not supported")', () => {
  it.each([
    ['const', 'function handler(e) {\n  const x = 1\n  return e\n}', 2, 3, '"const" is not supported'],
    ['let', 'function handler(e) {\n  for (let i = 0; i < 1; i++) {}\n  return e\n}', 2, 8, '"let" is not supported'],
    ['async function', 'async function handler(e) { return e }', 1, 1, '"async" functions'],
    ['an async arrow', 'var f = async () => 1\nfunction handler(e) { return e }', 1, 9, '"async" functions'],
    ['await', 'function handler(e) { return await e }', 1, 30, '"await"'],
    ['import', "import cf from 'cloudfront'\nfunction handler(e) { return e }", 1, 1, 'ES modules']
  ])('refuses %s with its position', (_name, code, line, column, message) => {
    const problems = staticProblems(code, V1)
    expect(problems[0]).toMatchObject({ line, column })
    expect(problems[0].message).toContain(message)
  })

  it('accepts what 1.0 supports: var, arrow functions, template literals, rest parameters, **', () => {
    const code = 'function handler(event) {\n  var f = (...a) => a.length ** 2\n  return `${f(1, 2)}` && event\n}'
    expect(staticProblems(code, V1)).toEqual([])
  })

  it('does not mistake property names, strings or comments for keywords', () => {
    const code = "function handler(e) { var o = { const: 1 }; o.let = 'let'; // const\n return e.async }"
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
