// Preloaded with `bun --preload @careforall/otel/register` before the service's own code runs.
import { otelEnv } from './env'
import { startTelemetry } from './sdk'

if (!otelEnv.OTEL_SDK_DISABLED) {
  startTelemetry({
    serviceName: otelEnv.OTEL_SERVICE_NAME,
    serviceVersion: otelEnv.npm_package_version,
    otlpEndpoint: otelEnv.OTEL_EXPORTER_OTLP_ENDPOINT,
    samplerRatio: otelEnv.OTEL_TRACES_SAMPLER_ARG,
  })
}
