import { ROUTES, type Route } from './routes.js';

/** A route matched to a path, with the path's parameters decoded. */
export interface RouteMatch { route: Route; params: Record<string, string> }

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** The route whose pattern the path fits, or undefined. A segment that is not valid percent-encoding fits no parameter. */
export function matchRoute(pathname: string, routes: readonly Route[] = ROUTES): RouteMatch | undefined {
  const parts = segments(pathname);
  for (const route of routes) {
    const pattern = segments(route.path);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let fits = true;
    for (let i = 0; i < pattern.length && fits; i++) {
      const want = pattern[i] ?? '';
      const got = parts[i] ?? '';
      const param = /^\{(\w+)\}$/.exec(want)?.[1];
      if (param === undefined) { fits = want === got; continue; }
      try { params[param] = decodeURIComponent(got); } catch { fits = false; }
    }
    if (fits) return { route, params };
  }
  return undefined;
}
