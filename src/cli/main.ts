import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isParleyError } from '../core/index.js';
import { agentsCommand } from './agents-command.js';
import { chatCommand } from './chat-command.js';
import { kbCommand } from './kb-command.js';
import { keysCommand } from './keys-command.js';
import { nluCommand } from './nlu-command.js';
import { trainCommand } from './train-command.js';
import { serveCommand } from './serve-command.js';
import { testCommand } from './test-command.js';
import { validateCommand } from './validate-command.js';

const USAGE = `Usage: parley <command> [options]

Commands:
  serve [--port N] [--bot DIR] [--data-dir DIR] [--demo]
                                                 serve a bot over HTTP (settings also from PARLEY_* variables);
                                                 --demo also serves the demo orders service (/demo/orders-api)
  chat [DIR] [--demo]                            talk to a bot folder in the terminal, no server, nothing stored
  validate [DIR]                                 check a bot folder; every mistake with file, line and a hint
  test [DIR] [--filter TEXT] [--json] [--demo]   run the bot's conversation tests (tests/*.yaml); exit 1 on a failure
  train [DIR] [--data-dir DIR]                   train the bot's NLU model and store it for the server
  nlu eval [--train F --test F [--val F] | --bot DIR [--folds K]] [--json] [--html FILE]
                                                 evaluate the NLU: accuracy, macro-F1, out-of-scope, sweep
  nlu import FILE [--bot DIR]                    add Rasa NLU YAML or JSON Lines examples to a bot folder
  kb ingest [PATH|URL] [--bot DIR] [--force] [--json]
                                                 read documents into the bot's knowledge base (default: its knowledge
                                                 folder); unchanged files are skipped, removed ones dropped
  kb eval --docs DIR --qa FILE.jsonl [--json]    retrieval quality: recall@1, recall@5, MRR, retrieval p50/p99
  keys create --name NAME [--scope admin|conversations] [--data-dir DIR]
                                                 create an API key; the key is shown once
  keys list [--data-dir DIR]                     list API keys (never their secrets)
  keys revoke ID [--data-dir DIR]                revoke an API key
  agents create --email E --name N --password-env VAR [--role agent|admin] [--teams a,b] [--capacity 3] [--data-dir DIR]
                                                 create an agent console account; the password is read from
                                                 the environment variable VAR (never from the command line)

DIR defaults to $PARLEY_BOT or bots/shop; the data dir to $PARLEY_DATA_DIR or ./data.
`;

/** Runs one CLI command and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest);
      case 'chat':
        return await chatCommand(rest);
      case 'validate':
        return await validateCommand(rest);
      case 'test':
        return await testCommand(rest);
      case 'keys':
        return await keysCommand(rest);
      case 'agents':
        return await agentsCommand(rest);
      case 'train':
        return await trainCommand(rest);
      case 'nlu':
        return await nluCommand(rest);
      case 'kb':
        return await kbCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`parley: unknown command "${command}"\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    if (isParleyError(error)) {
      process.stderr.write(`parley: ${error.message}\n`);
      return 1;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`parley: ${error.message}\n\n${USAGE}`);
      return 1;
    }
    throw error;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
