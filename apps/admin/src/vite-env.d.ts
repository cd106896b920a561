/** The build-time settings the panel reads (see src/config.ts); each has a default. */
interface ImportMetaEnv {
  readonly VITE_GRAFANA_URL?: string
  readonly VITE_JAEGER_URL?: string
  readonly VITE_KIBANA_URL?: string
}
