import { z } from 'zod';

/** A button the user can press; its payload is sent back as the next message's text. */
export const buttonSchema = z.object({
  title: z.string().min(1).max(80),
  payload: z.string().min(1).max(1000),
});

/**
 * What the bot says. Channels that cannot show buttons degrade them to a numbered list, so a
 * message must always make sense from its text alone.
 */
export const outgoingMessageSchema = z.object({
  type: z.literal('text'),
  text: z.string().min(1),
  buttons: z.array(buttonSchema).max(10).optional(),
});

export type Button = z.infer<typeof buttonSchema>;
export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;

/** An outgoing message once it has been given its id within the conversation. */
export interface BotReply extends OutgoingMessage {
  readonly id: string;
}
