#!/usr/bin/env node
// Signs a JWT for the example labs with the lab issuer's test key (never use this key for anything real).
//
//   node resources/examples/gateway/sign-token.mjs                      # scope pets:read, 1 hour
//   node resources/examples/gateway/sign-token.mjs "pets:read pets:write" 60
import { readFileSync } from 'node:fs'
import { importJWK, SignJWT } from 'jose'

const [scope = 'pets:read', seconds = '3600'] = process.argv.slice(2)
const jwk = JSON.parse(readFileSync(new URL('./lab-issuer.private.jwk.json', import.meta.url), 'utf8'))
const key = await importJWK(jwk, 'RS256')
const token = await new SignJWT({ scope })
  .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
  .setIssuer('https://issuer.netloom.lab')
  .setAudience('pets-app')
  .setSubject('lab-user')
  .setIssuedAt()
  .setExpirationTime(`${Number(seconds)}s`)
  .sign(key)
process.stdout.write(`${token}\n`)
