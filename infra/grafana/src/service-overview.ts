import { MappingType } from '@grafana/schema'
import { dashboard, promVariable } from './dashboard'
import { logs, stat, steps, timeseries } from './panels'
import { logLines, prom, quantile, rate } from './queries'

const http = 'http_server_request_duration'
const scope = 'job=~"$service", http_route=~"$route"'
const errors = `${scope}, http_response_status_code=~"5.."`
const byJob = 'job=~"$service"'

const requests = (by: string, matchers = scope) => `sum by (${by}) (${rate(`${http}_count{${matchers}}`)})`
const errorRatio = (by: string) => `${requests(by, errors)} / ${requests(by)}`
const latency = (by: string[]) =>
  [0.5, 0.95, 0.99].map((q) =>
    prom(quantile(q, http, scope, by), `${by.map((label) => `{{${label}}}`).join(' ')} p${q * 100}`),
  )

export const serviceOverview = dashboard({
  uid: 'service-overview',
  title: 'Care For All / Service overview',
  description: 'RED per service and route, health, messaging (outbox, queues, retries) and logs.',
  variables: [
    promVariable('service', 'Service', 'label_values(up{job=~".*-service"}, job)'),
    promVariable('route', 'Route', `label_values(${http}_count{job=~"$service"}, http_route)`, {
      allValue: '.*',
    }),
  ],
  rows: [
    {
      title: 'Requests per service',
      cells: [
        timeseries({
          title: 'Request rate',
          unit: 'reqps',
          targets: [prom(requests('job'), '{{job}}')],
        }),
        timeseries({
          title: 'Error rate (5xx ratio)',
          unit: 'percentunit',
          min: 0,
          thresholds: steps([0.005, 'orange'], [0.05, 'red']),
          targets: [prom(errorRatio('job'), '{{job}}')],
        }),
        timeseries({ title: 'Latency p50 / p95 / p99', unit: 's', targets: latency(['job']) }),
        stat({
          title: 'Service health',
          description: 'One box per scraped instance: UP when Prometheus scraped it last time.',
          w: 16,
          colorBackground: true,
          thresholds: steps([0, 'red'], [1, 'green']),
          mappings: [
            {
              type: MappingType.ValueToText,
              options: { '0': { text: 'DOWN', color: 'red' }, '1': { text: 'UP', color: 'green' } },
            },
          ],
          targets: [prom(`up{${byJob}}`, '{{job}} {{instance}}', { instant: true })],
        }),
        stat({
          title: 'Active requests',
          unit: 'short',
          graph: true,
          targets: [prom(`sum(http_server_active_requests{${byJob}})`, 'in flight')],
        }),
      ],
    },
    {
      title: 'Requests per route',
      cells: [
        timeseries({
          title: 'Request rate by route',
          unit: 'reqps',
          targets: [prom(requests('job, http_route'), '{{job}} {{http_route}}')],
        }),
        timeseries({
          title: 'Error rate (5xx ratio) by route',
          unit: 'percentunit',
          min: 0,
          targets: [prom(errorRatio('job, http_route'), '{{job}} {{http_route}}')],
        }),
        timeseries({ title: 'Latency by route', unit: 's', targets: latency(['job', 'http_route']) }),
        timeseries({
          title: 'Active requests by method',
          unit: 'short',
          w: 24,
          h: 6,
          targets: [
            prom(
              `sum by (job, http_request_method) (http_server_active_requests{${byJob}})`,
              '{{job}} {{http_request_method}}',
            ),
          ],
        }),
      ],
    },
    {
      title: 'Messaging',
      cells: [
        timeseries({
          title: 'Outbox backlog',
          description: 'Rows not yet published. Every instance reads the same table, hence max.',
          unit: 'short',
          targets: [prom(`max by (job) (outbox_backlog{${byJob}})`, '{{job}}')],
        }),
        timeseries({
          title: 'Outbox oldest unpublished row',
          unit: 's',
          thresholds: steps([30, 'orange'], [120, 'red']),
          targets: [prom(`max by (job) (outbox_oldest_age_seconds{${byJob}})`, '{{job}}')],
        }),
        timeseries({
          title: 'Outbox publishes and failures',
          unit: 'mps',
          targets: [
            prom(`sum by (job) (${rate(`outbox_published_total{${byJob}}`)})`, '{{job}} published'),
            prom(`sum by (job) (${rate(`outbox_publish_failures_total{${byJob}}`)})`, '{{job}} failed'),
          ],
        }),
        timeseries({
          title: 'Queue depth (main / dead-letter)',
          description: 'Ready messages (consumer lag) and messages parked in the dead-letter queue.',
          unit: 'short',
          targets: [prom(`max by (queue, kind) (messaging_queue_depth{${byJob}})`, '{{queue}} {{kind}}')],
        }),
        timeseries({
          title: 'Messages consumed by outcome',
          unit: 'mps',
          targets: [
            prom(
              `sum by (queue, outcome) (${rate(`messaging_handler_duration_seconds_count{${byJob}}`)})`,
              '{{queue}} {{outcome}}',
            ),
          ],
        }),
        timeseries({
          title: 'Retries, dead-lettered, duplicates',
          unit: 'mps',
          targets: [
            prom(`sum by (queue) (${rate(`messaging_retries_total{${byJob}}`)})`, '{{queue}} retried'),
            prom(
              `sum by (queue) (${rate(`messaging_dead_lettered_total{${byJob}}`)})`,
              '{{queue}} dead-lettered',
            ),
            prom(`sum by (queue) (${rate(`messaging_duplicates_total{${byJob}}`)})`, '{{queue}} duplicate'),
          ],
        }),
        timeseries({
          title: 'Handler duration p99',
          unit: 's',
          w: 24,
          h: 6,
          targets: [
            prom(
              quantile(0.99, 'messaging_handler_duration_seconds', byJob, ['queue', 'type']),
              '{{queue}} {{type}}',
            ),
          ],
        }),
      ],
    },
    {
      title: 'Logs',
      cells: [
        logs({
          title: 'Logs of the selected services',
          description: 'Open a line and follow its trace.id to the trace in Jaeger.',
          targets: [logLines('service.name:$service')],
        }),
        logs({
          title: 'Warnings and errors',
          h: 8,
          targets: [logLines('service.name:$service AND log.level:(warn OR error OR fatal)')],
        }),
      ],
    },
  ],
})
