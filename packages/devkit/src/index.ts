export { SERVICES, type ServiceName, serviceDir } from './platform'
export { COMPOSE_SERVERS_ENV } from './preflight'
