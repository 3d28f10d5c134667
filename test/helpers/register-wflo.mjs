// For tests: lets a script outside this repo `import 'wflo'` without wflo running it, as if it had wflo installed.
import { register } from 'node:module';


const dist = new URL('../../dist/', import.meta.url);
register(new URL('hook/resolve-hooks.js', dist).href, { data: { targets: { wflo: new URL('sdk/index.js', dist).href } } });
