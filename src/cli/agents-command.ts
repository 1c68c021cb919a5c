import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ParleyError, createIdGenerator, systemClock, type AgentRole } from '../core/index.js';
import { createAgentAccounts } from '../handoff/accounts/index.js';
import { openStore } from '../storage/index.js';

const ROLES: readonly AgentRole[] = ['agent', 'admin'];
const USE = 'Use: parley agents create --email E --name N --password-env VAR [--role agent|admin] [--teams a,b] [--capacity 3] [--data-dir DIR]';

/**
 * `parley agents create`: an account for the agent console (the first admin, typically). The
 * password is read from the environment variable named by --password-env, never from the
 * command line, where other users of the machine and the shell history would see it.
 */
export async function agentsCommand(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      teams: { type: 'string' },
      capacity: { type: 'string' },
      'password-env': { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const [action] = positionals;
  if (action !== 'create') throw new ParleyError('PARLEY_CONFIG_INVALID', USE);
  if (!values.email || !values.name) throw new ParleyError('PARLEY_CONFIG_INVALID', `agents create needs --email and --name. ${USE}`);
  const variable = values['password-env'];
  if (!variable) throw new ParleyError('PARLEY_CONFIG_INVALID', `agents create needs --password-env VAR: the name of the environment variable that holds the password. ${USE}`);
  const password = env[variable];
  if (password === undefined || password === '') throw new ParleyError('PARLEY_CONFIG_INVALID', `The environment variable ${variable} is not set; put the password in it.`);
  const role = (values.role ?? 'agent') as AgentRole;
  if (!ROLES.includes(role)) throw new ParleyError('PARLEY_CONFIG_INVALID', `Unknown role "${values.role}"; use agent or admin.`);
  const teams = values.teams === undefined ? [] : values.teams.split(',').map((team) => team.trim()).filter((team) => team !== '');
  let capacity: number | undefined;
  if (values.capacity !== undefined) {
    if (!/^[0-9]+$/.test(values.capacity)) throw new ParleyError('PARLEY_CONFIG_INVALID', `--capacity must be a whole number, not "${values.capacity}".`);
    capacity = Number(values.capacity);
  }

  const dataDir = resolve(values['data-dir'] ?? env.PARLEY_DATA_DIR ?? './data');
  const store = openStore('sqlite', dataDir);
  try {
    const accounts = createAgentAccounts({ store: store.agents, clock: systemClock, ids: createIdGenerator() });
    const agent = await accounts.createAgent(
      { email: values.email, name: values.name, password, role, teams, ...(capacity === undefined ? {} : { capacity }) },
      { actor: null, via: 'cli' },
    );
    process.stdout.write(
      `Created ${agent.role} ${agent.id} "${agent.name}" <${agent.email}> (teams: ${agent.teams.join(', ') || 'none'}; capacity ${agent.capacity}).\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
