import * as nodeModule from 'node:module';

type StripTypes = (code: string) => string;

/** TypeScript → JavaScript with Node's own stripper, without the one-off ExperimentalWarning it prints. */
export function stripTypes(code: string): string {
  const strip = (nodeModule as unknown as { stripTypeScriptTypes?: StripTypes }).stripTypeScriptTypes;
  if (typeof strip !== 'function') throw new Error('this Node has no stripTypeScriptTypes');
  const emitWarning = process.emitWarning;
  process.emitWarning = () => {};
  try {
    return strip(code);
  } finally {
    process.emitWarning = emitWarning;
  }
}
