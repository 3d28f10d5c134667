import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import { isUnmeteredBillable, targetOfPath } from './detect.js';
import type { Notify } from './notices.js';
import { MARK } from './send-tracker.js';

/** Hosts that are LLM providers whatever the request looks like. */
const PROVIDER_HOSTS = /(?:^|\.)(?:api\.openai\.com|api\.anthropic\.com|openai\.azure\.com)$/;

/** Origins of the providers this process is configured for (gateways, proxies, local servers). */
function configuredHosts(): Set<string> {
  const hosts = new Set<string>();
  for (const name of ['OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL']) {
    try { const value = process.env[name]; if (value) hosts.add(new URL(value).host); } catch { /* not a URL: nothing to match */ }
  }
  return hosts;
}

function looksLikeLlmCall(request: http.ClientRequest, hosts: Set<string>): boolean {
  if (request.method !== 'POST') return false;
  const host = String(request.getHeader('host') ?? request.host ?? '');
  const hostname = host.replace(/:\d+$/, '');
  const credentials = request.hasHeader('authorization') || request.hasHeader('x-api-key') || request.hasHeader('api-key');
  if (!PROVIDER_HOSTS.test(hostname) && !hosts.has(host) && !hosts.has(hostname) && !credentials) return false;
  const path = request.path.split(/[?#]/, 1)[0]?.replace(/\/+$/, '') ?? '';
  return targetOfPath(path, request.hasHeader('anthropic-version')) !== null || isUnmeteredBillable(`http://x${path}`, 'POST');
}

/**
 * wflo meters fetch, not node:http / node:https. An LLM call made through them (older SDKs,
 * axios, got) would reach the provider unseen: under a budget it is refused (the request is
 * destroyed with an error that says why, before anything is written); without one, the run
 * is warned. Requests to anything else are untouched.
 */
export function guardNodeHttp(notify: Notify, budgeted: boolean): void {
  const hosts = configuredHosts();
  const check = (request: http.ClientRequest): void => {
    try {
      // Sent by a script's own fetch that wflo wrapped: already reserved and metered.
      if (request.getHeader(MARK) !== undefined) { request.removeHeader(MARK); return; }
      if (!looksLikeLlmCall(request, hosts)) return;
      const what = `${request.method} ${request.protocol}//${String(request.getHeader('host') ?? request.host)}${request.path}`;
      if (budgeted) {
        notify('unmetered-http', `refused ${what}: an LLM call through node:http/https, which wflo cannot meter under a budget`);
        request.destroy(new Error(`wflo: refused ${what}: LLM calls through node:http/https cannot be metered, so they are not sent under a budget; use fetch (the official SDKs do)`));
      } else {
        notify('unmetered-http', `${what} went through node:http/https: wflo cannot meter it, so its cost is not in this run`);
      }
    } catch { /* never break a request over a check */ }
  };
  for (const module of [http, https] as const) {
    const writable = module as { request: typeof http.request };
    const original = writable.request;
    writable.request = function request(this: unknown, ...args: unknown[]): http.ClientRequest {
      const made = (original as (...a: unknown[]) => http.ClientRequest).apply(this, args);
      check(made);
      return made;
    } as typeof http.request;
  }
  // `new http.ClientRequest(...)` directly: same check, same class (instanceof still holds).
  const holder = http as { ClientRequest: typeof http.ClientRequest };
  holder.ClientRequest = new Proxy(holder.ClientRequest, {
    construct(target, args, newTarget) {
      const made = Reflect.construct(target, args, newTarget) as http.ClientRequest;
      check(made);
      return made;
    },
  });
  syncBuiltinESMExports();
}
