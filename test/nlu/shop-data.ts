import type { EntityDefinition, IntentDefinition } from '../../src/core/index.js';

/**
 * A small, fixed shop bot for the NLU tests: six intents with eight examples each, utterances held
 * out from training with the intent they mean, and sentences no intent covers. The held-out set is
 * written as a real user would type it (paraphrases, missing apostrophes, typos), not as copies.
 */

export const shopIntents: IntentDefinition[] = [
  {
    name: 'greet',
    examples: ['hello', 'hi there', 'hey', 'good morning', 'good evening', 'hello, is anyone there?', 'hi bot', 'greetings'],
    patterns: [],
  },
  {
    name: 'goodbye',
    examples: ['bye', 'goodbye', 'see you later', 'bye bye, have a nice day', 'talk to you soon', 'that is all, bye', 'see ya', 'farewell'],
    patterns: [],
  },
  {
    name: 'track_order',
    examples: [
      'where is my package',
      'where is my order',
      'track my order',
      'has my parcel shipped yet',
      'when will my order arrive',
      'what is the status of my delivery',
      'my package has not arrived',
      'I want to track a shipment',
    ],
    patterns: ['^track (my )?order\\b'],
  },
  {
    name: 'cancel_order',
    examples: [
      'cancel my order',
      'I want to cancel my purchase',
      'please cancel the order I placed',
      'stop my order',
      'I no longer want the items I ordered',
      'can I cancel an order',
      'I changed my mind, cancel it',
      'how do I cancel my order',
    ],
    patterns: [],
  },
  {
    name: 'opening_hours',
    examples: [
      'what are your opening hours',
      'when are you open',
      'are you open on sunday',
      'what time do you close',
      'what time does the store open',
      'opening times',
      'is the shop open today',
      'until when are you open on saturday',
    ],
    patterns: [],
  },
  {
    name: 'human_agent',
    examples: [
      'I want to talk to a human',
      'let me speak to a person',
      'connect me with an agent',
      'real person please',
      'can I speak with customer service',
      'get me a human',
      'I need to talk to someone',
      'transfer me to an operator',
    ],
    patterns: [],
  },
];

export const heldOut: readonly [utterance: string, intent: string][] = [
  ['hello there', 'greet'],
  ['hey hi', 'greet'],
  ['good morning to you', 'greet'],
  ['Goodbye and thanks', 'goodbye'],
  ['ok bye', 'goodbye'],
  ['see you soon', 'goodbye'],
  ["where's my package?", 'track_order'],
  ['wheres my pakage', 'track_order'],
  ['has my order shipped', 'track_order'],
  ['when does my parcel arrive', 'track_order'],
  ['status of my delivery please', 'track_order'],
  ['please cancel my order', 'cancel_order'],
  ['I want to cancel the purchase', 'cancel_order'],
  ['cancel the order', 'cancel_order'],
  ['how can I cancel an order', 'cancel_order'],
  ['when do you open', 'opening_hours'],
  ['what are the opening times on sunday', 'opening_hours'],
  ['is the store open today', 'opening_hours'],
  ['what time do you close on saturday', 'opening_hours'],
  ['I want to speak to a human', 'human_agent'],
  ['connect me to a real person', 'human_agent'],
  ['talk to an agent please', 'human_agent'],
  ['customer service please', 'human_agent'],
];

export const outOfScope: readonly string[] = [
  'what is the capital of mongolia',
  'my cat likes to sleep on the sofa',
  'explain quantum chromodynamics',
  'recommend a good science fiction novel',
  'the weather is lovely in lisbon',
  'how many legs does a spider have',
];

export const shopEntities: EntityDefinition[] = [
  { name: 'order_id', type: 'regex', pattern: '\\bORD-\\d{4,8}\\b' },
  { name: 'email', type: 'regex', pattern: '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}' },
  {
    name: 'city',
    type: 'lookup',
    values: [
      { value: 'New York', synonyms: ['nyc', 'new york city', 'big apple'] },
      { value: 'York', synonyms: [] },
      { value: 'São Paulo', synonyms: ['sampa'] },
      { value: 'Zürich', synonyms: ['zurich'] },
      { value: 'Lisbon', synonyms: ['lisboa'] },
    ],
  },
  {
    name: 'product',
    type: 'lookup',
    values: [
      { value: 'headphones', synonyms: ['headset', 'earphones'] },
      { value: 'keyboard', synonyms: [] },
      { value: 'usb cable', synonyms: ['usb-c cable', 'charging cable'] },
    ],
  },
];
