/**
 * A reference rendering of tool definitions as OpenAI shows them to the model: the TypeScript
 * namespace of openai-harmony and of the reverse-engineered chat renderings (hmarr's
 * openai-chat-tokens). Two comment styles: every description line prefixed with "// "
 * (harmony), or only the first (the older renderings).
 */
type Schema = Record<string, unknown>;
export type CommentStyle = 'every-line' | 'first-line';
export interface FunctionDef { name: string; description?: string; parameters?: Schema }

const comment = (text: string, style: CommentStyle): string =>
  style === 'every-line' ? text.split('\n').map((l) => `// ${l}`).join('\n') : `// ${text}`;

function type(schema: Schema, indent: number, style: CommentStyle): string {
  const literals = Array.isArray(schema.enum) ? schema.enum : schema.const !== undefined ? [schema.const] : null;
  if (literals) return literals.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map((s) => type(s, indent, style)).join(' | ');
  switch (schema.type) {
    case 'string': return 'string';
    case 'number': case 'integer': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': return schema.items ? `${type(schema.items as Schema, indent, style)}[]` : 'any[]';
    case 'object': return schema.properties ? `{\n${properties(schema, indent + 2, style)}\n${' '.repeat(indent)}}` : 'object';
    default: return 'any';
  }
}

function properties(schema: Schema, indent: number, style: CommentStyle): string {
  const required = Array.isArray(schema.required) ? schema.required : [];
  const lines: string[] = [];
  for (const [name, value] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    if (typeof value.description === 'string') lines.push(comment(value.description, style));
    const dflt = value.default !== undefined ? ` // default: ${JSON.stringify(value.default)}` : '';
    lines.push(`${name}${required.includes(name) ? '' : '?'}: ${type(value, indent, style)},${dflt}`);
  }
  return lines.join('\n').split('\n').map((l) => ' '.repeat(indent) + l).join('\n');
}

/** The "# Tools" section; with `parallel`, the multi_tool_use wrapper after it. */
export function renderTools(defs: FunctionDef[], style: CommentStyle, parallel: boolean): string {
  const lines = ['# Tools', '', '## functions', '', 'namespace functions {', ''];
  for (const def of defs) {
    if (def.description) lines.push(comment(def.description, style));
    const props = def.parameters?.properties as Schema | undefined;
    if (props && Object.keys(props).length > 0) lines.push(`type ${def.name} = (_: {`, properties(def.parameters!, 0, style), '}) => any;');
    else lines.push(`type ${def.name} = () => any;`);
    lines.push('');
  }
  lines.push('} // namespace functions');
  return parallel ? `${lines.join('\n')}\n\n${MULTI_TOOL_USE}` : lines.join('\n');
}

/** The parallel-calls wrapper as published in leaked system prompts. */
export const MULTI_TOOL_USE = `## multi_tool_use

// This tool serves as a wrapper for utilizing multiple tools. Each tool that can be used must be specified in the tool sections. Only tools in the functions namespace are permitted.
// Ensure that the parameters provided to each tool are valid according to that tool's specification.
namespace multi_tool_use {

// Use this function to run multiple tools simultaneously, but only if they can operate in parallel. Do this even if the prompt suggests using the tools sequentially.
type parallel = (_: {
// The tools to be executed in parallel. NOTE: only functions tools are permitted
tool_uses: {
// The name of the tool to use. The format should either be just the name of the tool, or in the format namespace.function_name for plugin and dev tools.
recipient_name: string,
// The parameters to pass to the tool. Ensure these are valid according to the tool's own specifications.
parameters: object,
}[],
}) => any;

} // namespace multi_tool_use`;
