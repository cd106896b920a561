/*
 * Where the platform's observability tools are, for the overview's links. Vite sets these at build
 * time (`VITE_GRAFANA_URL=… bun run build`); the defaults are the ports docker-compose.yml
 * publishes on the developer's machine.
 */

function urlOr(value: string | undefined, fallback: string): string {
  return value?.trim() ? value.trim() : fallback
}

export const config = {
  grafanaUrl: urlOr(import.meta.env.VITE_GRAFANA_URL, 'http://localhost:3100'),
  jaegerUrl: urlOr(import.meta.env.VITE_JAEGER_URL, 'http://localhost:16686'),
  kibanaUrl: urlOr(import.meta.env.VITE_KIBANA_URL, 'http://localhost:5601'),
} as const
