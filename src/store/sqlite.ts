import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
let loaded: typeof BetterSqlite3 | undefined;

/** The major version of the Node running wflo. */
function nodeMajor(): number {
  return Number(process.versions.node.split('.')[0]);
}

/**
 * better-sqlite3, in the build that works on this Node: from Node 22 on, 13 (Node-API,
 * prebuilt in the package, nothing compiled); on Node 20, 12 (compiled at install). 12 cannot
 * stay everywhere: from Node 24.19 its statements' finalizers abort the process when collected
 * outside a JavaScript context (node::ObjectWrap's cleanup hooks), and 13 does not load on 20.
 */
export function sqlite(): typeof BetterSqlite3 {
  loaded ??= (nodeMajor() >= 22 ? require('better-sqlite3-napi') : require('better-sqlite3')) as typeof BetterSqlite3;
  return loaded;
}
