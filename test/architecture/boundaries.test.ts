import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/server-process.js';

/** The lint rule that keeps the design guide's arrows, checked on code that breaks them. */
const eslint = new ESLint({ cwd: repoRoot });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((message) => message.ruleId ?? message.message);
}

describe('part boundaries', () => {
  it('forbid core to import any other part', async () => {
    expect(await ruleIds('src/core/probe.ts', "import { createRuntime } from '../engine/index.js';\nexport const probe = createRuntime;\n")).toContain(
      'import-x/no-restricted-paths',
    );
  });

  it('forbid a part to import a sibling part', async () => {
    expect(await ruleIds('src/nlu/probe.ts', "import { createDialogueEngine } from '../dialogue/index.js';\nexport const probe = createDialogueEngine;\n")).toContain(
      'import-x/no-restricted-paths',
    );
  });

  it('forbid the engine to import the server', async () => {
    expect(await ruleIds('src/engine/probe.ts', "import { buildApp } from '../server/index.js';\nexport const probe = buildApp;\n")).toContain(
      'import-x/no-restricted-paths',
    );
  });

  it('allow a part to import core, and the engine to compose parts', async () => {
    expect(await ruleIds('src/nlu/probe.ts', "import { ParleyError } from '../core/index.js';\nexport const probe = ParleyError;\n")).toEqual([]);
    expect(await ruleIds('src/engine/probe.ts', "import { createSimpleMatcher } from '../nlu/index.js';\nexport const probe = createSimpleMatcher;\n")).toEqual([]);
  });

  it('forbid import cycles', async () => {
    // dialogue-engine.ts imports templates.ts; templates importing it back closes a cycle.
    expect(await ruleIds('src/dialogue/templates.ts', "import { createDialogueEngine } from './dialogue-engine.js';\nexport const probe = createDialogueEngine;\n")).toContain(
      'import-x/no-cycle',
    );
  });
});
