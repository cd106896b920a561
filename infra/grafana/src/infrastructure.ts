import { dashboard } from './dashboard'
import { stat, steps, timeseries } from './panels'
import { prom, rate } from './queries'

const device = 'device!~"lo|veth.*|docker.*|br-.*"'
const container = 'name!=""'
const perContainer = (metric: string) => `sum by (name) (${rate(`${metric}{${container}}`)})`

export const infrastructure = dashboard({
  uid: 'infrastructure',
  title: 'Care For All / Infrastructure',
  description: 'Host (node-exporter), containers (cAdvisor) and RabbitMQ.',
  rows: [
    {
      title: 'Host',
      cells: [
        timeseries({
          title: 'CPU busy',
          unit: 'percentunit',
          min: 0,
          max: 1,
          targets: [
            prom(`1 - avg by (instance) (${rate('node_cpu_seconds_total{mode="idle"}')})`, '{{instance}}'),
          ],
        }),
        timeseries({
          title: 'Memory used',
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: steps([0.8, 'orange'], [0.95, 'red']),
          targets: [
            prom('1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', '{{instance}} used'),
          ],
        }),
        timeseries({
          title: 'Filesystem available',
          unit: 'bytes',
          targets: [
            prom(
              'min by (instance, mountpoint) (node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"})',
              '{{instance}} {{mountpoint}}',
            ),
          ],
        }),
        timeseries({
          title: 'Disk I/O',
          unit: 'Bps',
          w: 12,
          targets: [
            prom(`sum by (instance) (${rate('node_disk_read_bytes_total')})`, '{{instance}} read'),
            prom(`sum by (instance) (${rate('node_disk_written_bytes_total')})`, '{{instance}} written'),
          ],
        }),
        timeseries({
          title: 'Network I/O',
          unit: 'Bps',
          w: 12,
          targets: [
            prom(
              `sum by (instance) (${rate(`node_network_receive_bytes_total{${device}}`)})`,
              '{{instance}} in',
            ),
            prom(
              `sum by (instance) (${rate(`node_network_transmit_bytes_total{${device}}`)})`,
              '{{instance}} out',
            ),
          ],
        }),
      ],
    },
    {
      title: 'Containers',
      cells: [
        timeseries({
          title: 'CPU per container',
          description: '1 = one core fully busy.',
          unit: 'percentunit',
          w: 12,
          targets: [prom(perContainer('container_cpu_usage_seconds_total'), '{{name}}')],
        }),
        timeseries({
          title: 'Memory per container (working set)',
          unit: 'bytes',
          w: 12,
          targets: [prom(`sum by (name) (container_memory_working_set_bytes{${container}})`, '{{name}}')],
        }),
        timeseries({
          title: 'Network received per container',
          unit: 'Bps',
          w: 12,
          targets: [prom(perContainer('container_network_receive_bytes_total'), '{{name}}')],
        }),
        timeseries({
          title: 'Disk reads per container',
          unit: 'Bps',
          w: 12,
          targets: [prom(perContainer('container_fs_reads_bytes_total'), '{{name}}')],
        }),
      ],
    },
    {
      title: 'RabbitMQ',
      cells: [
        stat({
          title: 'Connections',
          unit: 'short',
          graph: true,
          w: 6,
          h: 8,
          targets: [prom('sum(rabbitmq_connections)', 'connections')],
        }),
        timeseries({
          title: 'Messages published',
          unit: 'mps',
          w: 6,
          targets: [prom(`sum(${rate('rabbitmq_channel_messages_published_total')})`, 'published')],
        }),
        timeseries({
          title: 'Queue ready',
          description: 'Messages waiting for a consumer.',
          unit: 'short',
          w: 6,
          targets: [prom('sum by (queue) (rabbitmq_queue_messages_ready)', '{{queue}}')],
        }),
        timeseries({
          title: 'Queue unacknowledged',
          description: 'Messages delivered to a consumer and not yet acknowledged.',
          unit: 'short',
          w: 6,
          targets: [prom('sum by (queue) (rabbitmq_queue_messages_unacked)', '{{queue}}')],
        }),
      ],
    },
  ],
})
