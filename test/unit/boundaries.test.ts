import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The boundary rules live in eslint.config.js; these cases prove each one fires (and stays quiet where allowed).
const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('process boundaries (architecture.md)', () => {
  it('the engine may not import electron or the renderer', async () => {
    expect(await restricted('electron/engine/x.ts', "import { app } from 'electron';\n")).toHaveLength(1);
    expect(await restricted('electron/engine/coordinator/x.ts', "import '../../../renderer/src/App.tsx';\n")).toHaveLength(1);
    expect(await restricted('electron/cli/x.ts', "import { ipcMain } from 'electron';\n")).toHaveLength(1);
  });

  it('the engine may import node built-ins and shared/', async () => {
    expect(await restricted('electron/engine/x.ts', "import { readFile } from 'node:fs/promises';\nimport '../../shared/states.ts';\n")).toEqual([]);
  });

  it('worker code takes the heavy built-ins from worker/builtins.ts, and still may not import electron', async () => {
    expect(await restricted('electron/engine/worker/x.ts', "import { format } from 'node:util';\n")).toHaveLength(1);
    expect(await restricted('electron/engine/worker/x.ts', "import { app } from 'electron';\n")).toHaveLength(1);
    expect(await restricted('electron/engine/worker/x.ts', "import { format } from './builtins.ts';\n")).toEqual([]);
    expect(await restricted('electron/engine/worker/x.ts', "import { parentPort } from 'node:worker_threads';\n")).toEqual([]);
  });

  it('the renderer may not import node built-ins, electron or the engine', async () => {
    expect(await restricted('renderer/src/x.tsx', "import { readFileSync } from 'node:fs';\n")).toHaveLength(1);
    expect(await restricted('renderer/src/x.ts', "import { ipcRenderer } from 'electron';\n")).toHaveLength(1);
    expect(await restricted('renderer/src/x.ts', "import { Engine } from '../../electron/engine/engine.ts';\n")).toHaveLength(1);
    expect(await restricted('renderer/src/x.ts', "import { applyEvent } from '../../shared/apply-event.ts';\n")).toEqual([]);
  });

  it('shared/ stays pure: no node, electron, React or engine imports', async () => {
    expect(await restricted('shared/x.ts', "import { createHash } from 'node:crypto';\n")).toHaveLength(1);
    expect(await restricted('shared/x.ts', "import React from 'react';\n")).toHaveLength(1);
    expect(await restricted('shared/x.ts', "import { Engine } from '../electron/engine/engine.ts';\n")).toHaveLength(1);
    expect(await restricted('shared/x.ts', "import { z } from 'zod';\n")).toEqual([]);
  });

  it('main and preload may import electron but not the renderer', async () => {
    expect(await restricted('electron/main/x.ts', "import { app } from 'electron';\n")).toEqual([]);
    expect(await restricted('electron/preload/x.ts', "import '../../renderer/src/main.tsx';\n")).toHaveLength(1);
  });
});
