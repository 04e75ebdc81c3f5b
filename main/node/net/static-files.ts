import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
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

export function contentTypeOf(file: string): string {
  return contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * The regular file at `path`, with its size and mtime, or undefined. With `root`, a file whose real
 * path (symbolic links followed) is outside the root does not exist: a link must not lead out.
 */
export async function fileInfo(path: string, root?: string): Promise<{ size: number; mtime: Date } | undefined> {
  const info = await stat(path).catch(() => undefined)
  if (!info?.isFile()) return undefined
  if (root !== undefined) {
    const [real, realRoot] = await Promise.all([realpath(path).catch(() => ''), realpath(root).catch(() => resolve(root))])
    if (!real.startsWith(realRoot + sep)) return undefined
  }
  return info
}

/** Streams one file (already resolved and checked) with its length and type; HEAD gets headers only. */
export function sendFile(
  file: string,
  info: { size: number },
  request: IncomingMessage,
  response: ServerResponse,
  headers: Record<string, string | number>
): Promise<number> {
  response.writeHead(200, { ...headers, 'content-type': contentTypeOf(file), 'content-length': info.size })
  if (request.method === 'HEAD') {
    response.end()
    return Promise.resolve(0)
  }
  return new Promise((done) => {
    createReadStream(file)
      .on('error', () => {
        response.destroy()
        done(0)
      })
      .on('end', () => done(info.size))
      .pipe(response)
  })
}

/**
 * Serves the built renderer. Unknown paths without an extension get index.html (the app has no
 * client-side routes yet, but a reload on any path should still open the app).
 */
export async function serveApp(
  root: string,
  request: IncomingMessage,
  response: ServerResponse,
  headers: Record<string, string>
): Promise<void> {
  const urlPath = new URL(request.url ?? '/', 'http://x').pathname
  let file = resolveStaticPath(root, urlPath === '/' ? '/index.html' : urlPath)
  if (!file) return plain(response, 400, 'bad path\n')
  let info = await fileInfo(file, root)
  if (!info && extname(file) === '') {
    file = join(resolve(root), 'index.html')
    info = await fileInfo(file, root)
  }
  if (!info) return plain(response, 404, 'not found\n')
  const isIndex = file.endsWith(`${sep}index.html`)
  // Hashed assets never change; index.html must, so that a rebuild is picked up.
  await sendFile(file, info, request, response, {
    ...headers,
    'cache-control': isIndex ? 'no-store' : 'public, max-age=31536000, immutable'
  })
}

export function plain(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  response.end(text)
}
