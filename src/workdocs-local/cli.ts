#!/usr/bin/env node
/**
 * `workdocs-local`: the commands are in commands.ts. This entry point first keeps V8's young
 * generation small (young-generation.ts), then loads them: a flag set after the modules were
 * loaded comes too late, as loading them grows the young generation already.
 */
import './young-generation.js';

await import('./commands.js');
