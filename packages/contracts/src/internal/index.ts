// Every schema that crosses a service boundary over HTTP (`/internal/...`), imported by the
// service that answers (its createRoute validates with it) and by the one that calls (it parses
// the answer with it).
export * from './campaigns'
export * from './payments'
