#!/usr/bin/env node
// Tiny launcher: the CLI lives in dist/app (one bundle, built by `npm install`: loading it costs a
// fraction of loading its modules one by one). The one place wflo sets its exit code.
import { main } from '../dist/app/main.js';
import { processContext } from '../dist/app/context.js';

process.exitCode = await main(process.argv.slice(2), processContext());
