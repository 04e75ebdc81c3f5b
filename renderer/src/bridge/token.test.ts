import { beforeEach, describe, expect, it } from 'vitest'
import { forgetToken, takeToken } from './token'

beforeEach(() => {
  sessionStorage.clear()
  history.replaceState(null, '', '/')
})

describe('takeToken', () => {
  it('takes the token from the URL, removes it from the address bar and keeps it for reloads', () => {
    history.replaceState(null, '', '/?token=abc123&e2e=1#x')
    expect(takeToken()).toBe('abc123')
    expect(location.search).toBe('?e2e=1')
    expect(location.hash).toBe('#x')
    expect(takeToken()).toBe('abc123')
  })

  it('has nothing when there is no token anywhere, or after it was refused', () => {
    expect(takeToken()).toBeUndefined()
    history.replaceState(null, '', '/?token=t')
    takeToken()
    forgetToken()
    expect(takeToken()).toBeUndefined()
  })
})
