import { z } from 'zod';
import type { Action } from './actions.js';
import { buttonSchema, richElementShapeSchema } from './messages.js';

/**
 * The shape of a bot folder once loaded. These schemas are what the loader validates YAML
 * against, so a field documented here is a field a bot author can write.
 */

/** The intent whose examples are out-of-scope messages: it trains the NLU and triggers nothing. */
export const OUT_OF_SCOPE_INTENT = 'oos';

/** Entities the NLU extracts without any definition in the bot folder. */
export const builtinEntityNames = ['number', 'ordinal', 'email', 'phone', 'url', 'money', 'datetime'] as const;
export type BuiltinEntityName = (typeof builtinEntityNames)[number];

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and underscores, starting with a letter');

export const staticConnectorSchema = z
  .object({
    type: z.literal('static'),
    file: z.string().min(1),
    key: z.string().min(1).default('id'),
  })
  .strict();

/** A small JSON-Schema-like description of a connector's answer, checked before a flow sees it. */
export type ResponseShape =
  | { readonly type: 'string'; readonly enum?: readonly string[] }
  | { readonly type: 'number' | 'integer' | 'boolean' | 'null' }
  | { readonly type: 'array'; readonly items?: ResponseShape }
  | { readonly type: 'object'; readonly properties?: Readonly<Record<string, ResponseShape>>; readonly required?: readonly string[] };

export const responseShapeSchema: z.ZodType<ResponseShape> = z.lazy(() =>
  z.union([
    z.object({ type: z.literal('string'), enum: z.array(z.string()).optional() }).strict(),
    z.object({ type: z.enum(['number', 'integer', 'boolean', 'null']) }).strict(),
    z.object({ type: z.literal('array'), items: responseShapeSchema.optional() }).strict(),
    z.object({ type: z.literal('object'), properties: z.record(z.string(), responseShapeSchema).optional(), required: z.array(z.string()).optional() }).strict(),
  ]),
);

const environmentVariable = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'the NAME of an environment variable, e.g. ORDERS_API_TOKEN');

export const httpOperationSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    /**
     * Path below base_url; `{name}` placeholders are filled from the call's arguments, URL-encoded.
     * Arguments not used in the path go to the query string (GET, DELETE) or the JSON body.
     */
    path: z.string().startsWith('/'),
    /** Retried on failure: GET, PUT and DELETE are idempotent by default; POST and PATCH only when set. */
    idempotent: z.boolean().optional(),
    /** Statuses that mean "no such record" (the flow's on_not_found), not an error. */
    not_found_status: z.array(z.number().int().min(400).max(499)).default([404]),
    response: responseShapeSchema.optional(),
    cache_ttl_ms: z.number().int().min(0).optional(),
  })
  .strict();
export type HttpOperation = z.infer<typeof httpOperationSchema>;

export const httpConnectorSchema = z
  .object({
    type: z.literal('http'),
    /** May name environment variables as ${NAME}. */
    base_url: z.string().min(1),
    auth: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('bearer'), token_env: environmentVariable }).strict(),
        z.object({ type: z.literal('header'), header: z.string().min(1), value_env: environmentVariable }).strict(),
        z.object({ type: z.literal('basic'), username_env: environmentVariable, password_env: environmentVariable }).strict(),
      ])
      .optional(),
    timeout_ms: z.number().int().min(50).max(60_000).default(3000),
    retries: z.number().int().min(0).max(10).default(2),
    /** Default cache lifetime of successful GET answers; 0 disables the cache. */
    cache_ttl_ms: z.number().int().min(0).default(0),
    circuit_breaker: z
      .object({
        failure_threshold: z.number().int().min(1).default(5),
        reset_ms: z.number().int().min(100).default(30_000),
      })
      .strict()
      .default({ failure_threshold: 5, reset_ms: 30_000 }),
    operations: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), httpOperationSchema),
  })
  .strict();
export type HttpConnectorConfig = z.infer<typeof httpConnectorSchema>;

/** Conversation event types a webhook can subscribe to; `*` is every one. */
export const webhookSchema = z
  .object({
    name: identifier,
    /** May name environment variables as ${NAME}. */
    url: z.string().min(1),
    /** The environment variable holding the HMAC-SHA256 signing secret (never the secret itself). */
    secret_env: environmentVariable,
    /** Event types to send, e.g. [handoff-requested, session-ended]; ["*"] sends every event. */
    events: z.array(z.string().regex(/^(\*|[a-z][a-z-]*)$/, 'an event type such as handoff-requested, or * for all')).min(1).default(['*']),
    timeout_ms: z.number().int().min(100).max(60_000).default(5000),
  })
  .strict();
export type WebhookConfig = z.infer<typeof webhookSchema>;

/** An OpenAI-compatible endpoint (OpenAI, Azure's compatible route, vLLM, LM Studio, Ollama's /v1). */
const llmEndpointSchema = z
  .object({
    type: z.enum(['openai-compatible', 'ollama']).default('openai-compatible'),
    /** e.g. https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama); may name ${ENV} variables. */
    base_url: z.string().min(1),
    model: z.string().min(1),
    /** The environment variable holding the API key (never the key itself); Ollama needs none. */
    api_key_env: environmentVariable.optional(),
    timeout_ms: z.number().int().min(100).max(120_000).default(15_000),
  })
  .strict();

export const knowledgeConfigSchema = z
  .object({
    /** The folder of documents, relative to the bot folder. */
    folder: z.string().min(1).default('knowledge'),
    /** Below this evidence (0..1) the bot says it does not know instead of guessing. */
    min_evidence: z.number().min(0).max(1).default(0.4),
    /** Said when the evidence is too weak (it should offer a person). */
    dont_know_response: identifier.optional(),
    /**
     * A message whose intent is recognised with less confidence than this is first tried on the
     * documents: a strong answer there wins over a weak guess at an intent ("do you price match?"
     * read as shipping at 0.40). 0 never does that.
     */
    prefer_below_confidence: z.number().min(0).max(1).default(0.6),
    /** How many passages to retrieve and, with an LLM, to give it. */
    passages: z.number().int().min(1).max(10).default(4),
    /** Where a cited document can be read: `${link_base}${source without its extension}`; a document's own link wins. */
    link_base: z.string().url().optional(),
    /** With an LLM, answers are generated from the retrieved passages only; without, the best passage is quoted. */
    llm: llmEndpointSchema.optional(),
    /** The fixed instructions the LLM gets for this bot (a safe default otherwise). */
    system_prompt: z.string().min(1).max(4000).optional(),
    /** Optional dense vectors for retrieval, fused with the lexical ranking. */
    embeddings: llmEndpointSchema.optional(),
  })
  .strict();
export type KnowledgeConfig = z.infer<typeof knowledgeConfigSchema>;

export const handoffTeamSchema = z
  .object({
    name: identifier,
    /** Conversations handed off during these intents' or flows' turns go to this team. */
    intents: z.array(identifier).default([]),
    flows: z.array(identifier).default([]),
    /** The first-response target: a conversation waiting longer for a person's first reply is an SLA breach. */
    first_response_seconds: z.number().int().min(1).max(7 * 24 * 3600).default(300),
  })
  .strict();

export const handoffConfigSchema = z
  .object({
    /** Where a handoff goes when no team claims its intent or flow. */
    default_team: identifier.default('support'),
    teams: z.array(handoffTeamSchema).default([]),
    /** Hand off by itself after this many messages in a row the bot did not understand (0: never). */
    after_misses: z.number().int().min(0).max(20).default(0),
    /** Words or phrases that mean the customer is fed up: such a message goes to a person at once. */
    frustration_words: z.array(z.string().min(2)).default([]),
    /** Said when the bot hands off by itself (misses, frustration); a flow's handoff step says its own. */
    response: identifier.optional(),
    /**
     * When nobody can take over — outside business hours, or no agent of the team online — the bot
     * says this instead of leaving the customer in an empty queue, and starts `take_message_flow`
     * (which collects contact details and the question and ends with a `ticket` step).
     */
    nobody_available_response: identifier.optional(),
    take_message_flow: identifier.optional(),
    /** When people work; outside them nobody is available. Absent: always (if someone is online). */
    business_hours: z
      .object({
        time_zone: z.string().min(1).default('UTC'),
        /** Days open, e.g. [mon, tue, wed, thu, fri]. */
        days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
        /** "09:00" and "17:30", local time. */
        open: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 09:00'),
        close: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 17:30'),
      })
      .strict()
      .optional(),
    /** Ready answers agents can pick in the console. */
    canned_responses: z.array(z.object({ title: z.string().min(1).max(80), text: z.string().min(1).max(2000) }).strict()).default([]),
  })
  .strict();
export type HandoffConfig = z.infer<typeof handoffConfigSchema>;

export const botConfigSchema = z
  .object({
    name: identifier,
    description: z.string().optional(),
    language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'use a language tag such as "en" or "en-GB"').default('en'),
    nlu: z
      .object({
        /** Overrides the out-of-scope threshold the classifier learns from held-out examples. */
        threshold: z.number().min(0).max(1).optional(),
        /** Seed of the training shuffle: the same data and seed give the same model. */
        seed: z.number().int().nonnegative().default(42),
        /** Built-in entities to extract (all of them by default). */
        builtin_entities: z.array(z.enum(builtinEntityNames)).optional(),
        /** Time zone for resolving dates and times such as "tomorrow at 5pm". */
        time_zone: z.string().min(1).default('UTC'),
        /** An optional third stage asked when the classifier is not confident. */
        provider: z
          .object({
            type: z.literal('openai-compatible'),
            base_url: z.string().url(),
            model: z.string().min(1),
            mode: z.enum(['embeddings', 'chat']).default('embeddings'),
            /** Name of the environment variable that holds the API key (never the key itself). */
            api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'the NAME of an environment variable, e.g. OPENAI_API_KEY').optional(),
            timeout_ms: z.number().int().min(100).max(60_000).default(3000),
            min_confidence: z.number().min(0).max(1).default(0.5),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ seed: 42, time_zone: 'UTC' }),
    fallback: z
      .object({
        response: identifier.default('fallback'),
      })
      .strict()
      .default({ response: 'fallback' }),
    /** Said when a turn fails unexpectedly; the user's message is kept either way. */
    error_response: identifier.optional(),
    dialogue: z
      .object({
        /** An intent that stops the flow in progress ("never mind"). */
        cancel_intent: identifier.optional(),
        /** Said when a flow is cancelled that way. */
        cancelled_response: identifier.optional(),
        /**
         * Minutes without messages after which the next message starts a new session: the user
         * stays, a half-done flow and its slots do not. 0 keeps sessions open forever.
         */
        session_timeout_minutes: z.number().min(0).default(30),
        /**
         * Asked, with the two likeliest intents as buttons, when a message is below the threshold
         * but close to intents the bot knows. Without it, such messages get the fallback.
         */
        clarify_response: identifier.optional(),
        /** The least confidence the second intent needs for a clarifying question. */
        clarify_min_confidence: z.number().min(0).max(1).default(0.15),
        /**
         * A recognised intent whose lead over the runner-up is smaller than this is not acted on:
         * the bot asks which of the two was meant (needs clarify_response). 0 turns it off.
         */
        clarify_margin: z.number().min(0).max(1).default(0.1),
        /** Said on the second miss in a row instead of the fallback, to offer a person. */
        offer_human_response: identifier.optional(),
        /**
         * The least confidence another intent needs to interrupt a flow that waits for an answer
         * (a digression, a switch, a cancel). Below it the message is taken as an attempt at the
         * answer: "abc" for an order number is asked again, not read as a weak guess at "help".
         */
        interruption_min_confidence: z.number().min(0).max(1).default(0.5),
      })
      .strict()
      .default({ session_timeout_minutes: 30, clarify_min_confidence: 0.15, clarify_margin: 0.1, interruption_min_confidence: 0.5 }),
    connectors: z.record(identifier, z.discriminatedUnion('type', [staticConnectorSchema, httpConnectorSchema])).default({}),
    /** Outbound webhooks: conversation events POSTed to external systems, signed and retried. */
    webhooks: z.array(webhookSchema).default([]),
    /** Handing conversations to people: teams, routing, SLA targets, automatic triggers. */
    handoff: handoffConfigSchema.default({ default_team: 'support', teams: [], after_misses: 0, frustration_words: [], canned_responses: [] }),
    /** Answers from the bot's documents when no flow takes a message (and in `answer: knowledge` steps). */
    knowledge: knowledgeConfigSchema.optional(),
  })
  .strict();
export type BotConfig = z.infer<typeof botConfigSchema>;

export const intentSchema = z
  .object({
    name: identifier,
    examples: z.array(z.string().min(1)).default([]),
    /** Regular expressions matched against the normalised text before any classifier. */
    patterns: z.array(z.string().min(1)).default([]),
    /** How the intent is offered on a button when the bot asks which one was meant. */
    title: z.string().min(1).max(60).optional(),
    /** This intent's own out-of-scope threshold, for intents that need more (or less) certainty. */
    threshold: z.number().min(0).max(1).optional(),
  })
  .strict();
export type IntentDefinition = z.infer<typeof intentSchema>;

export const intentsFileSchema = z.object({ intents: z.array(intentSchema).min(1) }).strict();

export const entitySchema = z.discriminatedUnion('type', [
  z.object({ name: identifier, type: z.literal('regex'), pattern: z.string().min(1) }).strict(),
  z
    .object({
      name: identifier,
      type: z.literal('lookup'),
      values: z.array(z.object({ value: z.string().min(1), synonyms: z.array(z.string().min(1)).default([]) }).strict()).min(1),
    })
    .strict(),
]);
export type EntityDefinition = z.infer<typeof entitySchema>;

export const entitiesFileSchema = z.object({ entities: z.array(entitySchema).default([]) }).strict();

export const responseVariationSchema = z
  .object({
    text: z.string().min(1),
    buttons: z.array(buttonSchema).max(10).optional(),
    /**
     * Cards, carousels, images, links and charts, each with the plain-text `fallback` a channel
     * shows when it cannot render it. `{slot}` placeholders work in every text field.
     */
    elements: z.array(richElementShapeSchema).min(1).max(10).optional(),
  })
  .strict();
export type ResponseVariation = z.infer<typeof responseVariationSchema>;

export const responsesFileSchema = z.object({ responses: z.record(identifier, z.array(responseVariationSchema).min(1)) }).strict();

/** A guard on a step: the step runs only when the condition holds. */
export const conditionSchema = z
  .object({
    slot: z.string().min(1),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    in: z.array(z.union([z.string(), z.number()])).optional(),
    exists: z.boolean().optional(),
  })
  .strict();
export type Condition = z.infer<typeof conditionSchema>;

const stepBase = { if: conditionSchema.optional() };

export const sayStepSchema = z.object({ ...stepBase, say: identifier }).strict();
export const collectStepSchema = z
  .object({
    ...stepBase,
    collect: identifier,
    ask: identifier,
    /** Entity whose value fills the slot; without it the whole message is taken. */
    entity: identifier.optional(),
    validate: z
      .object({
        pattern: z.string().min(1),
        invalid: identifier,
      })
      .strict()
      .optional(),
    max_attempts: z.number().int().min(1).max(10).default(3),
  })
  .strict();
export const callStepSchema = z
  .object({
    ...stepBase,
    call: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'write it as connector.operation, e.g. orders.get'),
    with: z.record(z.string(), z.string()).default({}),
    save_as: identifier,
    on_not_found: identifier.optional(),
    on_error: identifier.optional(),
  })
  .strict();
/**
 * Runs a TypeScript action from the bot folder's `actions/` (the file name without `.ts`). A
 * failure or a timeout says `on_error` (or the bot's error response) and ends the flow.
 */
export const actionStepSchema = z
  .object({
    ...stepBase,
    action: identifier,
    /** Longest the action may run; it is told to stop (its signal aborts) and the flow goes on as a failure. */
    timeout_ms: z.number().int().min(10).max(60_000).default(3000),
    /** The slots the action may set; setting any other is a failure, so flows can rely on these names. */
    sets: z.array(identifier).default([]),
    on_error: identifier.optional(),
  })
  .strict();
/** Records a ticket for people to follow up (the message taken when nobody was available): an event with the context, on the webhooks. */
export const ticketStepSchema = z.object({ ...stepBase, ticket: z.object({ reason: z.string().min(1).default('left a message'), team: identifier.optional() }).strict() }).strict();
/** Answers the message from the knowledge base (an FAQ intent's flow), optionally from some tags only. */
export const answerStepSchema = z.object({ ...stepBase, answer: z.literal('knowledge'), tags: z.array(z.string().min(1)).optional() }).strict();
export const setStepSchema = z.object({ ...stepBase, set: z.record(identifier, z.union([z.string(), z.number(), z.boolean(), z.null()])) }).strict();
export const handoffStepSchema = z
  .object({ ...stepBase, handoff: z.object({ reason: z.string().min(1), queue: z.string().optional(), say: identifier.optional() }).strict() })
  .strict();
export const endStepSchema = z.object({ ...stepBase, end: z.literal(true), say: identifier.optional() }).strict();
/** Asks a yes/no question; "no" says `on_no` (when given) and ends the flow. */
export const confirmStepSchema = z
  .object({
    ...stepBase,
    confirm: z.object({ ask: identifier, on_no: identifier.optional(), max_attempts: z.number().int().min(1).max(10).default(2) }).strict(),
  })
  .strict();
/** Ends this flow and starts another (its slots carry over). */
export const gotoStepSchema = z.object({ ...stepBase, goto: identifier }).strict();

export const flowStepSchema = z.union([
  sayStepSchema,
  collectStepSchema,
  callStepSchema,
  actionStepSchema,
  answerStepSchema,
  ticketStepSchema,
  setStepSchema,
  handoffStepSchema,
  endStepSchema,
  confirmStepSchema,
  gotoStepSchema,
]);
export type FlowStep = z.infer<typeof flowStepSchema>;
export type CollectStep = z.infer<typeof collectStepSchema>;
export type CallStep = z.infer<typeof callStepSchema>;
export type ActionStep = z.infer<typeof actionStepSchema>;
export type ConfirmStep = z.infer<typeof confirmStepSchema>;

export const flowSchema = z
  .object({
    name: identifier,
    description: z.string().optional(),
    trigger: z.object({ intents: z.array(identifier).min(1) }).strict(),
    /**
     * A digression answers a side question: started while another flow waits for an answer, it
     * runs and the waiting flow then resumes (its question is asked again). Other flows replace
     * the waiting one.
     */
    digression: z.boolean().default(false),
    steps: z.array(flowStepSchema).min(1),
  })
  .strict();
export type FlowDefinition = z.infer<typeof flowSchema>;

export const flowsFileSchema = z.object({ flows: z.array(flowSchema).min(1) }).strict();

/** A loaded bot: everything the engine needs, independent of where it was read from. */
export interface BotDefinition {
  readonly config: BotConfig;
  readonly intents: readonly IntentDefinition[];
  readonly entities: readonly EntityDefinition[];
  readonly responses: Readonly<Record<string, readonly ResponseVariation[]>>;
  readonly flows: readonly FlowDefinition[];
  /** Data of static connectors, keyed by connector name, read from the files bot.yaml names. */
  readonly connectorData: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  /** TypeScript actions from the folder's `actions/`, by name; absent when it has none. */
  readonly actions?: Readonly<Record<string, Action>>;
  /** Hash of every file the bot was loaded from: changes when the bot changes. */
  readonly contentHash: string;
}
