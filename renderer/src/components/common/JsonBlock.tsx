import { useMemo, useState } from 'react';

const PREVIEW_CHARS = 100_000;

/** Pretty-printed JSON; very large values show their first 100 kB until asked for the rest. */
export function JsonBlock({ value, testId }: { value: unknown; testId?: string }) {
  const text = useMemo(() => JSON.stringify(value, null, 2) ?? String(value), [value]);
  const [all, setAll] = useState(false);
  const long = text.length > PREVIEW_CHARS;
  return (
    <div className="json-block">
      <pre data-testid={testId}>{long && !all ? `${text.slice(0, PREVIEW_CHARS)}\n…` : text}</pre>
      {long && !all && (
        <button type="button" onClick={() => setAll(true)}>
          Show all ({Math.round(text.length / 1024)} kB)
        </button>
      )}
    </div>
  );
}
