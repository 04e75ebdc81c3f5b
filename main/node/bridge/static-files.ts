import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.wasm': 'application/wasm'
}

/**
 * Resolves a URL path inside `root`, or undefined when it would leave it (`..`, encoded `..`, NUL,
 * backslashes). The decoded path is resolved and then checked to start with the root.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined
  const base = resolve(root)
  const target = resolve(join(base, decoded))
  return target === base || target.startsWith(base + sep) ? target : undefined
}

/**
 * Serves the built renderer. Unknown paths without an extension get index.html (the app has no
 * client-side routes yet, but a reload on any path should still open the app).
 */
export async function serveStatic(
  root: string,
  request: IncomingMessage,
  response: ServerResponse,
  headers: Record<string, string>
): Promise<void> {
  const urlPath = new URL(request.url ?? '/', 'http://x').pathname
  let file = resolveStaticPath(root, urlPath === '/' ? '/index.html' : urlPath)
  if (!file) return plain(response, 400, 'bad path\n')
  let info = await stat(file).catch(() => undefined)
  if (!info?.isFile() && extname(file) === '') {
    file = join(resolve(root), 'index.html')
    info = await stat(file).catch(() => undefined)
  }
  if (!info?.isFile()) return plain(response, 404, 'not found\n')
  const isIndex = file.endsWith(`${sep}index.html`)
  response.writeHead(200, {
    ...headers,
    'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    // Hashed assets never change; index.html must, so that a rebuild is picked up.
    'cache-control': isIndex ? 'no-store' : 'public, max-age=31536000, immutable'
  })
  if (request.method === 'HEAD') return void response.end()
  createReadStream(file)
    .on('error', () => response.destroy())
    .pipe(response)
}

export function plain(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  response.end(text)
}
