// Measures "capture → totals visible" the way a campaign page sees it: one server-sent event stream
// per campaign through the gateway; each capture published is due when the stream first shows a
// total that includes it.

interface Due {
  targetCents: number
  publishedAt: number
  /** False during a warm-up: its delay is not recorded. */
  measured: boolean
}

export interface VisibilityWatch {
  /** Records a capture just published, to be matched by a later event of its campaign. */
  published(campaignId: string, amountCents: number, publishedAt: number, measured?: boolean): void
  /** Delays (ms) from publish to visible, one per capture seen so far. */
  delays(): number[]
  /** Captures published but not seen yet. */
  outstanding(): number
  close(): void
}

/** Opens one stream per campaign and waits until each has shown its current totals. */
export async function watchVisibility(gatewayUrl: string, campaignIds: string[]): Promise<VisibilityWatch> {
  const controller = new AbortController()
  const shown = new Map<string, number>()
  const expected = new Map<string, number>()
  const due = new Map<string, Due[]>()
  const delays: number[] = []

  const onTotals = (campaignId: string, cents: number) => {
    shown.set(campaignId, cents)
    const queue = due.get(campaignId) ?? []
    const now = performance.now()
    while (queue.length > 0 && queue[0]!.targetCents <= cents) {
      const seen = queue.shift()!
      if (seen.measured) delays.push(now - seen.publishedAt)
    }
  }

  const follow = async (campaignId: string) => {
    const res = await fetch(`${gatewayUrl}/api/totals/${campaignId}/stream`, { signal: controller.signal })
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk, { stream: true })
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = buffer
            .slice(0, end)
            .split('\n')
            .find((line) => line.startsWith('data: '))
          buffer = buffer.slice(end + 2)
          if (data)
            onTotals(
              campaignId,
              Math.round((JSON.parse(data.slice(6)) as { totalAmount: number }).totalAmount * 100),
            )
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error
    }
  }

  for (const campaignId of campaignIds) void follow(campaignId)
  const deadline = Date.now() + 10_000
  while (campaignIds.some((id) => !shown.has(id))) {
    if (Date.now() > deadline) throw new Error('the event streams did not start')
    await Bun.sleep(20)
  }
  for (const campaignId of campaignIds) expected.set(campaignId, shown.get(campaignId)!)

  return {
    published: (campaignId, amountCents, publishedAt, measured = true) => {
      const targetCents = (expected.get(campaignId) ?? 0) + amountCents
      expected.set(campaignId, targetCents)
      const queue = due.get(campaignId) ?? []
      queue.push({ targetCents, publishedAt, measured })
      due.set(campaignId, queue)
    },
    delays: () => delays,
    outstanding: () => [...due.values()].reduce((sum, queue) => sum + queue.length, 0),
    close: () => controller.abort(),
  }
}
