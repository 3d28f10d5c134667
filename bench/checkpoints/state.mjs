// The agent state both sides save: 20 top-level keys of ~500 bytes of varied, English-like text
// (~10 KB in all); step i rewrites key i % 20 with fresh text. Deterministic, so the bench can
// rebuild the exact final state to check what wflo stored, and both sides save identical data.
// Random words from a small vocabulary compress about as well as real prose does, no better.

export const KEYS = 20;
export const WARMUP = 20;
export const SAVES = 1000;

const WORDS = `the agent model tool call result search query answer source page summary plan step next
first then after because while until report draft revise check verify cite claim evidence data table
figure value error retry budget token cost price solar panel battery grid storage wind market policy
growth demand supply region country city year month week percent million billion average median
increase decrease stable forecast trend risk option decision review note context memory message user
assistant system function argument return list item field record file document section chapter title
author date version update change fix open close read write send receive parse format output input
is are was were will would could should may might can not only also more less most least very quite
a an of to in on at by for with from about into over under between through during before since`.split(/\s+/);

/** A small seeded PRNG (mulberry32): the same seed always gives the same text. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** About 500 bytes of sentences, with a number or two, as an agent's notes would have. */
export function text(seed) {
  const rand = prng(seed * 7919 + 17);
  let out = '';
  while (out.length < 480) {
    const n = 6 + Math.floor(rand() * 10);
    const words = Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]);
    if (rand() < 0.3) words.push(String(Math.floor(rand() * 100000) / 100));
    const sentence = words.join(' ');
    out += `${sentence[0].toUpperCase()}${sentence.slice(1)}. `;
  }
  return out.slice(0, 500).trimEnd();
}

export const keyOf = (i) => `k${String(i).padStart(2, '0')}`;

/** The state before any step. */
export function initialState() {
  const state = {};
  for (let i = 0; i < KEYS; i++) state[keyOf(i)] = text(1_000_000 + i);
  return state;
}

/** What step i writes: key i % 20 gets fresh text. Built before timing, so only saves are timed. */
export function steps(n) {
  return Array.from({ length: n }, (_, i) => ({ key: keyOf(i % KEYS), value: text(i) }));
}

/** The state after `n` steps (what the last checkpoint must hold). */
export function stateAfter(n) {
  const state = initialState();
  for (const { key, value } of steps(n)) state[key] = value;
  return state;
}
