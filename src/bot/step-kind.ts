import {
  actionStepSchema,
  answerStepSchema,
  ticketStepSchema,
  callStepSchema,
  collectStepSchema,
  confirmStepSchema,
  gotoStepSchema,
  endStepSchema,
  handoffStepSchema,
  sayStepSchema,
  setStepSchema,
} from '../core/index.js';

/**
 * A flow step is a plain union of shapes, so zod cannot tell which one an author meant and
 * reports every branch. The step's action key tells us; `end` comes before `say` because an
 * end step may also say something.
 */
export const stepKinds = [
  { key: 'collect', schema: collectStepSchema },
  { key: 'call', schema: callStepSchema },
  { key: 'action', schema: actionStepSchema },
  { key: 'answer', schema: answerStepSchema },
  { key: 'ticket', schema: ticketStepSchema },
  { key: 'set', schema: setStepSchema },
  { key: 'handoff', schema: handoffStepSchema },
  { key: 'end', schema: endStepSchema },
  { key: 'confirm', schema: confirmStepSchema },
  { key: 'goto', schema: gotoStepSchema },
  { key: 'say', schema: sayStepSchema },
] as const;

export type StepKind = (typeof stepKinds)[number];

export const stepKindKeys: readonly string[] = stepKinds.map((kind) => kind.key);

export function stepKindOf(step: unknown): StepKind | undefined {
  if (typeof step !== 'object' || step === null || Array.isArray(step)) return undefined;
  return stepKinds.find((kind) => Object.hasOwn(step, kind.key));
}
