import type { InfoJson } from '../../json/types.js';
import type { ApiHandler } from '../api-context.js';

/** `GET /api/info`: the wflo version and the store the dashboard reads. */
export const getInfo: ApiHandler = (_req, { dbPath, version }) => {
  const body: InfoJson = { version, db: dbPath, readOnly: true };
  return { body };
};
