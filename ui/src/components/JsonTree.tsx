import type { ReactNode } from 'react';

/** Levels open at first; deeper ones start collapsed. */
const OPEN_DEPTH = 2;

function Scalar({ value }: { value: unknown }): ReactNode {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>;
  return <span>{JSON.stringify(value)}</span>;
}

function Node({ name, value, depth }: { name: string | null; value: unknown; depth: number }): ReactNode {
  const key = name === null ? null : <span className="json-key">{name}: </span>;
  if (typeof value !== 'object' || value === null) return <div className="json-leaf">{key}<Scalar value={value} /></div>;
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return <div className="json-leaf">{key}{open}{close}</div>;
  return (
    <details className="json-node" open={depth < OPEN_DEPTH}>
      <summary>{key}{open}<span className="json-count muted"> {entries.length} {Array.isArray(value) ? 'item' : 'key'}{entries.length === 1 ? '' : 's'} </span>{close}</summary>
      <div className="json-children">
        {entries.map(([k, v]) => <Node key={k} name={Array.isArray(value) ? null : k} value={v} depth={depth + 1} />)}
      </div>
    </details>
  );
}

/** JSON as a tree of collapsible objects and arrays (native details/summary: keyboard and find-in-page work). */
export function JsonTree({ value }: { value: unknown }): ReactNode {
  return <div className="json-tree"><Node name={null} value={value} depth={0} /></div>;
}
