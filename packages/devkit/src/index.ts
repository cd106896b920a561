export { SERVICES, type ServiceName, serviceDir } from './platform'
