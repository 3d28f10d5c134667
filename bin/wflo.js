#!/bin/sh
':' //; [ -z "${NODE_EXTRA_CA_CERTS+set}" ] || export WFLO_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"; unset NODE_EXTRA_CA_CERTS; exec node "$0" "$@"
// The line above is for sh, and a no-op for node. Node 20 reads and parses NODE_EXTRA_CA_CERTS
// (a whole CA bundle, often) as it starts, before any JS: 40 ms of every command on a 2-core
// machine. wflo itself makes no TLS connection, so its own node starts without it, and it is
// put back below for the script and everything else wflo starts. Run as `node bin/wflo.js`,
// wflo just pays it.
//
// Tiny launcher: the CLI lives in dist/app (one bundle, built by `npm install`: loading it costs a
// fraction of loading its modules one by one). The one place wflo sets its exit code.
import { main } from '../dist/app/main.js';
import { processContext } from '../dist/app/context.js';

const carried = process.env.WFLO_NODE_EXTRA_CA_CERTS;
if (carried !== undefined) {
  delete process.env.WFLO_NODE_EXTRA_CA_CERTS;
  process.env.NODE_EXTRA_CA_CERTS = carried;
}

process.exitCode = await main(process.argv.slice(2), processContext());
