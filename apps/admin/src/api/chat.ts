import { useInfiniteQuery, useMutation } from '@tanstack/react-query'
import { api, apiUrl } from './client'
import type { ChatHistoryItem } from './types'

export const CHAT_HISTORY_PAGE = 50

export interface ChatHistoryPage {
  items: ChatHistoryItem[]
  nextBefore: number | null
}

export interface ChatMute {
  campaignId: string
  userId: string
  until: string
}

export const chatKeys = {
  history: (campaignId: string) => ['chat', campaignId, 'history'] as const,
}

const room = (campaignId: string) => `/api/chat/campaigns/${encodeURIComponent(campaignId)}`

/**
 * A room's history, newest page first, older pages on demand. Never stale by itself: the socket
 * brings everything after it, so asking again would only read what is already shown.
 */
export function useChatHistory(campaignId: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: chatKeys.history(campaignId),
    queryFn: ({ pageParam, signal }) =>
      api<ChatHistoryPage>(`${room(campaignId)}/messages`, {
        query: { before: pageParam, limit: CHAT_HISTORY_PAGE },
        signal,
      }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    staleTime: Number.POSITIVE_INFINITY,
    enabled,
  })
}

/** Removes a message for everyone: the room's sockets get a `deleted` frame. */
export function useDeleteMessage(campaignId: string) {
  return useMutation({
    mutationFn: (messageId: string) =>
      api<void>(`${room(campaignId)}/messages/${encodeURIComponent(messageId)}`, { method: 'DELETE' }),
  })
}

export function useMuteUser(campaignId: string) {
  return useMutation({
    mutationFn: (body: { userId: string; minutes: number }) =>
      api<ChatMute>(`${room(campaignId)}/mutes`, { method: 'POST', body }),
  })
}

export function useUnmuteUser(campaignId: string) {
  return useMutation({
    mutationFn: (userId: string) =>
      api<void>(`${room(campaignId)}/mutes/${encodeURIComponent(userId)}`, { method: 'DELETE' }),
  })
}

/** The socket's address: the API's origin, as `ws:` or `wss:`. */
export function chatSocketUrl(
  campaignId: string,
  query: { token?: string | undefined; since?: number | undefined },
) {
  const url = new URL(apiUrl(`${room(campaignId)}/ws`, query))
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.toString()
}
