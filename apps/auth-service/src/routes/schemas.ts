import { z } from '@hono/zod-openapi'
import { PASSWORD_MAX, PASSWORD_MIN } from '../domain/password'
import type { UserRow } from '../store/users'

export const Email = z.email().max(254).openapi({ example: 'ada@example.com' })
export const NewPassword = z
  .string()
  .min(PASSWORD_MIN)
  .max(PASSWORD_MAX)
  .openapi({
    description: `${PASSWORD_MIN} to ${PASSWORD_MAX} characters`,
    example: 'correct horse battery staple',
  })

export const User = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['donor', 'admin']),
    disabled: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('User')

export const AuthResult = z
  .object({
    user: User,
    accessToken: z.string().openapi({ description: 'EdDSA JWT, 15 minutes' }),
    refreshToken: z.string().openapi({ description: 'Opaque; rotates on every use' }),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ example: 900 }),
  })
  .openapi('AuthResult')

export const Session = z
  .object({
    id: z.uuid(),
    createdAt: z.string(),
    lastUsedAt: z.string(),
    expiresAt: z.string(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    current: z.boolean(),
  })
  .openapi('Session')

export function toUser(row: UserRow): z.infer<typeof User> {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled,
    createdAt: row.createdAt.toISOString(),
  }
}
