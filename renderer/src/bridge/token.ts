const tokenKey = 'netloom.token'

export const missingTokenMessage = 'Open the URL printed by `netloom up --ui`, including its token.'

/**
 * Reads the web-mode token from `?token=` and moves it out of the address bar (so it does not end up in
 * screenshots, bookmarks or history), keeping it in sessionStorage so that a reload still connects.
 */
export function takeToken(): string | undefined {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(tokenKey, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return sessionStorage.getItem(tokenKey) ?? undefined
}

/** Drops a token the engine refused, so a reload asks for the right URL instead of retrying it. */
export function forgetToken(): void {
  sessionStorage.removeItem(tokenKey)
}
