// Lint: typescript-eslint for the code, import-x for the architecture. The part boundaries are
// the design guide's arrows: parts depend inward on `core`; only `engine` composes them; nothing
// imports `server` but `cli`; and there are no import cycles anywhere. `demo` (the demo services
// `parley serve --demo` serves) is a leaf too: it depends only on `core` and libraries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const leafParts = ['nlu', 'dialogue', 'knowledge', 'llm', 'connectors', 'channels', 'handoff', 'analytics', 'storage', 'bot', 'demo'];
const allParts = ['core', ...leafParts, 'engine', 'server', 'cli'];

/** A zone forbids files in `target` to import from `from`. */
function forbid(target, allowed) {
  return allParts
    .filter((part) => part !== target && !allowed.includes(part))
    .map((part) => ({
      target: `./src/${target}`,
      from: `./src/${part}`,
      message: `"${target}" may depend only on ${[...allowed].join(', ') || 'itself'} (see docs/architecture.md).`,
    }));
}

const boundaryZones = [
  ...forbid('core', []),
  ...leafParts.flatMap((part) => forbid(part, ['core'])),
  ...forbid('engine', ['core', ...leafParts]),
  ...forbid('server', ['core', ...leafParts, 'engine']),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: boundaryZones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // The web chat widget (src/widget) is browser code, bundled on its own by
    // scripts/build-widget.mjs: browser globals, and it imports nothing from the rest of Parley
    // (it copies the type shapes it needs) and no Node built-ins.
    files: ['src/widget/**'],
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', navigator: 'readonly', location: 'readonly', crypto: 'readonly',
        localStorage: 'readonly', WebSocket: 'readonly', MessageEvent: 'readonly', KeyboardEvent: 'readonly',
        Element: 'readonly', HTMLElement: 'readonly', HTMLScriptElement: 'readonly', SVGElement: 'readonly', Node: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', requestAnimationFrame: 'readonly', ResizeObserver: 'readonly',
      },
    },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*', 'node:*'], message: 'The widget is a separate browser bundle: it imports only its own modules (see docs/architecture.md).' }] }],
    },
  },
  {
    // The agent console (src/console) is browser code too, bundled by scripts/build-console.mjs:
    // browser globals, and it imports only its own modules (it talks to Parley over HTTP).
    files: ['src/console/**'],
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', navigator: 'readonly', location: 'readonly', fetch: 'readonly',
        sessionStorage: 'readonly', WebSocket: 'readonly', MessageEvent: 'readonly', KeyboardEvent: 'readonly', Event: 'readonly',
        Element: 'readonly', HTMLElement: 'readonly', HTMLInputElement: 'readonly', HTMLTextAreaElement: 'readonly', HTMLSelectElement: 'readonly',
        HTMLFormElement: 'readonly', HTMLButtonElement: 'readonly', Node: 'readonly', Response: 'readonly', Headers: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly',
      },
    },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*', 'node:*'], message: 'The agent console is a separate browser bundle: it imports only its own modules.' }] }],
    },
  },
  {
    // The CLI, benchmarks and tests talk to a terminal on purpose.
    files: ['src/cli/**', 'bench/**', 'test/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
