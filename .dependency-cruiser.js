/**
 * The import directions of line-shop, checked by `npm run lint` (and so by CI).
 * README's "Code map" says the same in prose; when you move a folder, change both.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes start-up order and testing in isolation fragile.',
      from: { path: '^(src|richmenu|db)/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'product-imports-no-simulator',
      severity: 'error',
      comment:
        'The simulators are for the sandbox and tests. Only the entry points that start them may import them: ' +
        'src/server.ts and src/cli/*-sim.ts (the sandbox folder itself may import product code).',
      from: { path: '^src/', pathNot: ['^src/sandbox/', '^src/server\\.ts$', '^src/cli/[^/]+-sim\\.ts$'] },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'nothing-imports-entry-points',
      severity: 'error',
      comment: 'Entry points (server, CLIs) wire things together; nothing in the product depends on them (tests may).',
      from: { path: '^(src|richmenu|db|bench)/', pathNot: '^src/cli/' },
      to: { path: ['^src/server\\.ts$', '^src/cli/'] },
    },
    {
      name: 'line-transport-knows-no-shop',
      severity: 'error',
      comment:
        'src/line is the LINE transport (webhook, inbox, worker, outbox). The shop plugs its handler and words in; ' +
        'the transport never imports the shop, its messages, jobs or payment routes.',
      from: { path: '^src/line/' },
      to: { path: '^src/(shop|messages|jobs|payments|qpay)/' },
    },
    {
      name: 'messages-are-pure',
      severity: 'error',
      comment:
        'Message builders are pure functions of data: they may read shop types, never call services, ' +
        'repositories, the database or the network.',
      from: { path: '^src/messages/' },
      to: { path: '^src/(line|jobs|payments|qpay|cli|db/database|db/prepared)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'messages-use-only-shop-types',
      severity: 'error',
      comment: 'A builder may name a shop type (CartView …) but must not run shop code.',
      from: { path: '^src/messages/' },
      to: { path: '^src/shop/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'qpay-client-stands-alone',
      severity: 'error',
      comment:
        'src/qpay is a client library for the bank: it knows config types and nothing of the shop. ' +
        'It may use src/http/ (outbound POST with timeouts, may-have-arrived classification), which knows no shop either.',
      from: { path: '^src/qpay/' },
      to: { path: '^src/', pathNot: ['^src/qpay/', '^src/config\\.ts$', '^src/http/'] },
    },
    {
      name: 'ecpay-client-stands-alone',
      severity: 'error',
      comment:
        'src/ecpay is a client library for ECPay logistics: it knows config types and nothing of the shop. ' +
        'It may use src/http/ (shared with src/qpay), which knows no shop either.',
      from: { path: '^src/ecpay/' },
      to: { path: '^src/', pathNot: ['^src/ecpay/', '^src/config\\.ts$', '^src/http/'] },
    },
    {
      name: 'http-stands-alone',
      severity: 'error',
      comment: 'src/http is shared outbound HTTP for the client libraries: it imports nothing of the project.',
      from: { path: '^src/http/' },
      to: { path: '^src/', pathNot: '^src/http/' },
    },
    {
      name: 'admin-console-is-on-top',
      severity: 'error',
      comment:
        'src/admin is the merchant console: routes, pages and its own read queries on top of the shop. ' +
        'The shop, the LINE transport, messages, jobs and the client libraries never import it; ' +
        'only the runtime (which registers it), server.ts and the CLIs do.',
      from: { path: '^src/(shop|line|messages|jobs|payments|qpay|ecpay|http|db)/' },
      to: { path: '^src/admin/' },
    },
    {
      name: 'db-layer-below-everything',
      severity: 'error',
      comment: 'src/db (connection, types, migrator) is the bottom layer.',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: ['^src/db/', '^src/logger\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['^dist/', '^node_modules/'] },
  },
};
