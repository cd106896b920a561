// Run by logger.test.ts as its own process: logs through the default (stdout) destination, then
// ends the way the argument says, to show that no line is lost on the way out.
import { createLogger } from '../src/index'

const logger = createLogger({ serviceName: 'writer-test' })
const other = createLogger({ serviceName: 'writer-test-2' })
for (let i = 0; i < 3; i++) {
  logger.info({ i }, 'first turn')
  other.info({ i }, 'first turn, second logger')
}
setTimeout(() => {
  logger.error('last line')
  if (Bun.argv[2] === 'throw') throw new Error('crash')
  if (Bun.argv[2] === 'exit') process.exit(3)
}, 20)
