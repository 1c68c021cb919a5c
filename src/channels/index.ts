import type { ChannelSetup, Environment } from '../core/index.js';
import { messengerChannel, whatsappChannel } from './meta/index.js';
import { slackChannel } from './slack/index.js';
import { telegramChannel } from './telegram/index.js';
import { twilioChannel } from './twilio/index.js';

/**
 * Every messaging channel Parley has, set up from the environment: a channel whose variables are
 * set is on, any other is off (and says which variables it lacks).
 */

export type ChannelFactory = (env: Environment) => ChannelSetup;

const factories: readonly ChannelFactory[] = [
  (env) => slackChannel(env),
  (env) => telegramChannel(env),
  (env) => whatsappChannel(env),
  (env) => messengerChannel(env),
  (env) => twilioChannel(env),
];

export function createChannels(env: Environment): ChannelSetup[] {
  return factories.map((factory) => factory(env));
}

export { messengerChannel, slackChannel, telegramChannel, twilioChannel, whatsappChannel };
