export { canonicalJson, fingerprintRequest, fingerprintToolCall } from './fingerprint.js';
export { DEFAULT_LOOP_THRESHOLDS, LoopDetector, type Loop, type LoopThresholds, type Observation } from './loop-detector.js';
export { CircuitBreaker, DEFAULT_CIRCUIT, isCircuitFailure, type Admission, type CircuitOptions, type CircuitState } from './circuit-breaker.js';
export { DEFAULT_RETRY, decideRetry, isTransient, parseRetryAfter, type AttemptOutcome, type RetryDecision, type RetryOptions } from './retry-policy.js';
