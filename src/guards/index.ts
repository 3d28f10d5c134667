/** Guards: pure decisions the supervisor asks before and after each call (loops, failing providers, spending speed, retries). No I/O; time and randomness are passed in. */
export { canonicalJson, fingerprintRequest, fingerprintToolCall } from './fingerprint.js';
export { DEFAULT_LOOP_THRESHOLDS, LoopDetector, type Loop, type LoopThresholds, type Observation } from './loop-detector.js';
export { DEFAULT_GATE, type Admission, type GateOptions, type GateState } from './breaker-gate.js';
export { CircuitBreaker, DEFAULT_CIRCUIT, circuitKey, isCircuitFailure, type CircuitOptions, type CircuitSnapshot } from './circuit-breaker.js';
export { BurnRateBreaker, DEFAULT_BURN_RATE, type BurnRateOptions, type BurnRateSnapshot } from './burn-rate-breaker.js';
export { DEFAULT_RETRY, RetryPolicy, isTransient, parseRetryAfter, type AttemptOutcome, type RetryDecision, type RetryOptions } from './retry-policy.js';
export { isTransientFailure, isTransientStatus } from './failures.js';
