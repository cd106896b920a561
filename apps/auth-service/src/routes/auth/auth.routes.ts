import { Credentials } from '@careforall/contracts'
import { jsonContent, problemResponses, Security } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'
import { AuthResult, Email, NewPassword, Session, User } from '../schemas'

const tags = ['auth']
const json = jsonContent

export const register = createRoute({
  method: 'post',
  path: '/api/auth/register',
  tags,
  summary: 'Create an account (role donor) and sign in',
  request: {
    body: {
      required: true,
      content: json(
        z.strictObject({ email: Email, password: NewPassword, name: z.string().trim().min(1).max(200) }),
      ),
    },
  },
  responses: {
    201: { description: 'Registered and signed in', content: json(AuthResult) },
    400: problemResponses[400],
    409: problemResponses[409],
    429: problemResponses[429],
  },
})

export const login = createRoute({
  method: 'post',
  path: '/api/auth/login',
  tags,
  summary: 'Sign in with email and password',
  description: 'An unknown email and a wrong password get the same 401, in the same time.',
  request: {
    body: {
      required: true,
      content: json(Credentials),
    },
  },
  responses: {
    200: { description: 'Signed in', content: json(AuthResult) },
    400: problemResponses[400],
    401: problemResponses[401],
    429: problemResponses[429],
  },
})

const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(200) })

export const refresh = createRoute({
  method: 'post',
  path: '/api/auth/refresh',
  tags,
  summary: 'Exchange a refresh token for new tokens (the old one stops working)',
  description: 'Presenting an already rotated refresh token ends its whole session.',
  request: { body: { required: true, content: json(RefreshBody) } },
  responses: {
    200: { description: 'New tokens', content: json(AuthResult) },
    400: problemResponses[400],
    401: problemResponses[401],
  },
})

export const logout = createRoute({
  method: 'post',
  path: '/api/auth/logout',
  tags,
  summary: 'End the session of a refresh token',
  request: { body: { required: true, content: json(RefreshBody) } },
  responses: { 204: { description: 'Signed out' }, 400: problemResponses[400] },
})

export const me = createRoute({
  method: 'get',
  path: '/api/auth/me',
  tags,
  security: Security.user,
  summary: 'The signed-in user',
  responses: { 200: { description: 'You', content: json(User) }, 401: problemResponses[401] },
})

export const sessions = createRoute({
  method: 'get',
  path: '/api/auth/sessions',
  tags,
  security: Security.user,
  summary: "The signed-in user's open sessions",
  responses: {
    200: {
      description: 'Open sessions, most recently used first',
      content: json(z.object({ items: z.array(Session) })),
    },
    401: problemResponses[401],
  },
})

export const revokeSession = createRoute({
  method: 'delete',
  path: '/api/auth/sessions/{id}',
  tags,
  security: Security.user,
  summary: 'End one of your sessions (its tokens stop working within seconds)',
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 204: { description: 'Ended' }, 401: problemResponses[401], 404: problemResponses[404] },
})

export const forgotPassword = createRoute({
  method: 'post',
  path: '/api/auth/password/forgot',
  tags,
  summary: 'Ask for a password reset link',
  description: 'Always 202, whether or not the email has an account.',
  request: { body: { required: true, content: json(z.strictObject({ email: z.string().max(254) })) } },
  responses: {
    202: { description: 'If the account exists, a link is on its way' },
    400: problemResponses[400],
    429: problemResponses[429],
  },
})

export const resetPassword = createRoute({
  method: 'post',
  path: '/api/auth/password/reset',
  tags,
  summary: 'Set a new password with a reset token (single use, 30 minutes); ends every session',
  request: {
    body: {
      required: true,
      content: json(z.strictObject({ token: z.string().min(1).max(200), password: NewPassword })),
    },
  },
  responses: {
    204: { description: 'Password changed' },
    400: problemResponses[400],
    401: problemResponses[401],
    429: problemResponses[429],
  },
})

export const jwks = createRoute({
  method: 'get',
  path: '/api/auth/.well-known/jwks.json',
  tags,
  summary: 'Public keys that verify access tokens',
  responses: {
    200: {
      description: 'JSON Web Key Set',
      content: json(
        z.object({
          keys: z.array(z.object({ kid: z.string(), kty: z.string(), alg: z.string() }).passthrough()),
        }),
      ),
    },
  },
})

export type RegisterRoute = typeof register
export type LoginRoute = typeof login
export type RefreshRoute = typeof refresh
export type LogoutRoute = typeof logout
export type MeRoute = typeof me
export type SessionsRoute = typeof sessions
export type RevokeSessionRoute = typeof revokeSession
export type ForgotPasswordRoute = typeof forgotPassword
export type ResetPasswordRoute = typeof resetPassword
export type JwksRoute = typeof jwks
