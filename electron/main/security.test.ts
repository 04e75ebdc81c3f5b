import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, isExternalWebLink, isOwnRendererUrl } from './security'

const renderer = 'file:///opt/Netloom/resources/app.asar/out/renderer/index.html'

describe('desktop security rules', () => {
  it('allows only our own files in the CSP', () => {
    const csp = contentSecurityPolicy()
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toContain('unsafe-eval')
    expect(contentSecurityPolicy('http://localhost:5173')).toContain('connect-src \'self\' http://localhost:5173 ws://localhost:5173')
  })

  it('trusts IPC only from the built renderer or the dev server', () => {
    expect(isOwnRendererUrl(renderer, renderer)).toBe(true)
    expect(isOwnRendererUrl('file:///opt/Netloom/resources/app.asar/out/renderer/index.html#/x', renderer)).toBe(true)
    expect(isOwnRendererUrl('file:///etc/passwd', renderer)).toBe(false)
    expect(isOwnRendererUrl('https://evil.example/', renderer)).toBe(false)
    expect(isOwnRendererUrl('not a url', renderer)).toBe(false)
    expect(isOwnRendererUrl('http://localhost:5173/src/x', renderer, 'http://localhost:5173')).toBe(true)
    expect(isOwnRendererUrl('http://localhost:5174/', renderer, 'http://localhost:5173')).toBe(false)
  })

  it('opens only web links externally', () => {
    expect(isExternalWebLink('https://docs.aws.amazon.com/')).toBe(true)
    expect(isExternalWebLink('file:///etc/passwd')).toBe(false)
    expect(isExternalWebLink('javascript:alert(1)')).toBe(false)
    expect(isExternalWebLink('smb://host/share')).toBe(false)
  })
})
