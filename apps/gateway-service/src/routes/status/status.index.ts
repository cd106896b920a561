import { createRouter } from '@careforall/http'
import { getStatusHandler, type StatusOptions } from './status.handlers'
import { getStatus } from './status.routes'

export function statusRouter(options: StatusOptions) {
  return createRouter().openapi(getStatus, getStatusHandler(options))
}
