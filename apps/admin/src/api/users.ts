import { UserPatch } from '@careforall/contracts'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { auditKeys } from './audit'
import { api } from './client'
import type { Page, User } from './types'

const PAGE_SIZE = 20

export const userKeys = {
  all: ['users'] as const,
  list: (q: string, cursor: string | undefined) => [...userKeys.all, 'list', q, cursor ?? null] as const,
}

/** `GET /api/auth/users?q=`: q matches names and emails. */
export function useUsers(q: string, cursor: string | undefined) {
  return useQuery({
    queryKey: userKeys.list(q, cursor),
    queryFn: ({ signal }) =>
      api<Page<User>>('/api/auth/users', { query: { q, limit: PAGE_SIZE, cursor }, signal }),
    placeholderData: keepPreviousData,
  })
}

/** `PATCH /api/auth/users/{id}`, its body checked with the same schema the auth service uses. */
export function useUpdateUser() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UserPatch }) =>
      api<User>(`/api/auth/users/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        body: UserPatch.parse(patch),
      }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: userKeys.all }),
        queryClient.invalidateQueries({ queryKey: auditKeys.all }),
      ]),
  })
}
