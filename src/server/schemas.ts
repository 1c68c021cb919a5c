import { z } from 'zod';
import { richElementSchema } from '../core/index.js';

/**
 * The public API's shapes. Routes validate with these and the OpenAPI document is generated
 * from them, so the docs cannot drift from what the server accepts.
 */

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. PARLEY_AUTH_TOKEN_INVALID'),
      message: z.string().describe('What went wrong and how to fix it, for humans'),
    }),
  })
  .describe('Every error response has this shape');

export const buttonSchema = z.object({ title: z.string(), payload: z.string() });

/** The same schema the engine validates messages with, so the docs cannot drift from what is sent. */
export const elementsSchema = z
  .array(richElementSchema)
  .optional()
  .describe(
    'Rich elements: cards, carousels, images, links and charts. Every element has a `fallback` text to show when a client cannot render it; the message text always makes sense without them',
  );

export const replySchema = z
  .object({
    id: z.string(),
    type: z.literal('text'),
    text: z.string(),
    buttons: z.array(buttonSchema).optional().describe('Quick replies; send a button\'s payload as the next message text'),
    elements: elementsSchema,
  })
  .describe('A message from the bot');

export const conversationIdParamsSchema = z.object({ id: z.string().min(1).max(100) });

export const createConversationBodySchema = z
  .object({
    bot: z.string().min(1).max(100).optional().describe('Name of the bot to talk to; the served bot when omitted'),
    user: z
      .object({ id: z.string().min(1).max(200).describe('Your own id for the end user') })
      .strict()
      .optional(),
  })
  .strict()
  .nullish();

export const createConversationResponseSchema = z.object({
  conversation: z.object({ id: z.string(), bot: z.string(), createdAt: z.string() }),
  token: z.string().describe('Bearer token for this conversation only; shown once'),
});

export const postMessageBodySchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Your id for this message. Posting the same id again returns the first reply instead of a new turn.'),
    text: z
      .string()
      .refine((text) => text.trim().length > 0, { message: 'text must not be empty' })
      .describe('What the user wrote'),
  })
  .strict();

export const postMessageResponseSchema = z.object({
  conversation: z.object({ id: z.string() }),
  message: z.object({ id: z.string(), clientMessageId: z.string() }),
  duplicate: z.boolean().describe('True when this message id had been received before'),
  replies: z.array(replySchema),
});

export const transcriptMessageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'bot', 'agent']),
  type: z.literal('text'),
  text: z.string(),
  buttons: z.array(buttonSchema).optional(),
  elements: elementsSchema,
  createdAt: z.string(),
  clientMessageId: z.string().optional(),
  inReplyTo: z.string().optional(),
});

const cursorSchema = z.string().regex(/^\d+$/, 'expected the nextCursor of a previous page');

export const listMessagesQuerySchema = z
  .object({
    after: cursorSchema.optional().describe('nextCursor from the previous page'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const listMessagesResponseSchema = z.object({
  messages: z.array(transcriptMessageSchema).describe('Oldest first'),
  nextCursor: z.string().nullable(),
});

export const listConversationsQuerySchema = z
  .object({
    cursor: z.string().min(1).max(500).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const conversationSummarySchema = z.object({
  id: z.string(),
  bot: z.string(),
  channel: z.string(),
  userId: z.string().nullable(),
  createdAt: z.string(),
  events: z.number().int().describe('Number of events in the log'),
});

export const listConversationsResponseSchema = z.object({
  conversations: z.array(conversationSummarySchema),
  nextCursor: z.string().nullable(),
});

export const listEventsQuerySchema = z
  .object({
    after: cursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const eventSchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  type: z.string(),
  v: z.number().int(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const listEventsResponseSchema = z.object({
  events: z.array(eventSchema),
  nextCursor: z.string().nullable(),
});

export const botInfoResponseSchema = z.object({
  name: z.string(),
  language: z.string(),
  contentHash: z.string(),
  intents: z.array(z.string()),
  flows: z.array(z.string()),
  responses: z.number().int(),
  model: z.object({ hash: z.string(), threshold: z.number(), intents: z.number().int() }).describe('The NLU model serving now'),
});

export const botReloadResponseSchema = z.object({
  status: z.enum(['unchanged', 'reloaded']),
  model: z.string().describe('Hash of the NLU model now serving'),
  retrained: z.boolean().describe('True when the training data changed and a new model was trained'),
});

export const apiKeyListResponseSchema = z.object({
  keys: z.array(
    z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()), createdAt: z.string(), revokedAt: z.string().nullable() }),
  ),
});

export const feedbackBodySchema = z
  .object({
    messageId: z.string().min(1).max(200).describe('The id of the bot message rated (from its reply)'),
    rating: z.enum(['up', 'down']),
    comment: z.string().max(2000).optional(),
  })
  .strict();
