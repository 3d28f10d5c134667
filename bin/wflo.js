#!/usr/bin/env node
// Tiny launcher: the CLI lives in dist/ (built by `npm install`). The one place wflo sets its exit code.
import { main } from '../dist/cli/main.js';
import { processContext } from '../dist/cli/context.js';

process.exitCode = await main(process.argv.slice(2), processContext());
