import { useState, type ReactNode } from 'react';

/** A shell command to copy: shown whole (selectable), with a button that copies it. */
export function CopyCommand({ command, label }: { command: string; label: string }): ReactNode {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = (): void => {
    // 127.0.0.1 is a secure context, so the clipboard API is there; a browser that refuses still shows the text to select.
    navigator.clipboard.writeText(command).then(() => setCopied('yes'), () => setCopied('no'));
    setTimeout(() => setCopied(null), 1500);
  };
  return (
    <div className="command">
      <span className="command-label muted">{label}</span>
      <code className="command-text">{command}</code>
      <button type="button" onClick={copy} aria-label={`copy: ${command}`}>{copied === 'yes' ? 'copied' : copied === 'no' ? 'select it' : 'copy'}</button>
    </div>
  );
}
