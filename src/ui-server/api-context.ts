import type Database from 'better-sqlite3';

/** What every API handler reads from: the read-only store, the clock, and how the store was named. */
export interface ApiContext {
  db: Database.Database;
  /** The store's path, as resolved. */
  dbPath: string;
  /** `--db <path>` to append to the commands the pages offer to copy, or '' when the store is the default one. */
  dbArg: string;
  version: string;
  now: () => number;
}

/** A matched request: the path's parameters and the query string. */
export interface ApiRequest { params: Readonly<Record<string, string>>; query: URLSearchParams }

/** A JSON answer: the body (serialised as is) and any extra headers. */
export interface ApiResult { body: unknown; headers?: Record<string, string> }

/** A read-only JSON endpoint. Throws HttpError for 4xx answers. */
export type ApiHandler = (req: ApiRequest, ctx: ApiContext) => ApiResult;
