import { useEffect, useState } from 'react'
import { useCampaignTotals } from './campaigns'
import { apiUrl } from './client'
import type { CampaignTotals } from './types'

/** Where the stream stands: `live` once an event came, `reconnecting` while EventSource retries. */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'closed'

/**
 * A campaign's totals, kept current by the totals service's event stream: `event: totals` with the
 * body of `GET /api/totals/{id}`, at once and at every change. The GET paints first; from the first
 * event on, the stream's totals win (so a slow GET can never overwrite a newer event). EventSource
 * reconnects by itself (the stream asks `retry: 2000`) and sends `Last-Event-ID`, so nothing older
 * arrives after something newer. The stream is closed when the page unmounts.
 */
export function useLiveTotals(campaignId: string) {
  const query = useCampaignTotals(campaignId)
  const [streamed, setStreamed] = useState<CampaignTotals | undefined>(undefined)
  const [state, setState] = useState<LiveState>('connecting')

  useEffect(() => {
    setStreamed(undefined)
    if (typeof EventSource === 'undefined') {
      setState('closed')
      return
    }
    setState('connecting')
    const source = new EventSource(apiUrl(`/api/totals/${encodeURIComponent(campaignId)}/stream`))
    const onTotals = (event: MessageEvent<string>) => {
      try {
        const totals = JSON.parse(event.data) as CampaignTotals
        if (totals.campaignId !== campaignId) return
        setStreamed(totals)
        setState('live')
      } catch {
        // A malformed event is skipped: the next one carries the whole totals again.
      }
    }
    source.addEventListener('totals', onTotals as EventListener)
    source.onopen = () => setState('live')
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting')
    return () => {
      source.removeEventListener('totals', onTotals as EventListener)
      source.close()
    }
  }, [campaignId])

  return { totals: streamed ?? query.data, state, query }
}
