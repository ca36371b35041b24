/**
 * The gateway started in-process with options no environment variable sets, for the benchmark's
 * "upstream calls per query" section: `BENCH_DATALOADER=off` builds every request's loaders
 * without batching or caching. Configuration otherwise as `node dist/main.js` reads it.
 *
 *   WORKDOCS_ENDPOINT=… BENCH_DATALOADER=off node --import tsx bench/gateway-variant.ts
 *   → prints `LISTENING <url>`
 */
import { loadGatewayConfig } from '../src/config.js';
import { createGatewayServer } from '../src/gateway/server.js';

const config = { ...loadGatewayConfig(), port: 0 };
const gateway = await createGatewayServer(config, {
  dataLoader: process.env.BENCH_DATALOADER !== 'off',
});
process.stdout.write(`LISTENING ${gateway.url}\n`);
process.on('SIGTERM', () => {
  void gateway.close();
});
