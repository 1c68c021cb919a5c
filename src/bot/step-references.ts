import type { FlowStep } from '../core/index.js';
import type { DataPath } from './source-file.js';

export interface ResponseReference {
  readonly name: string;
  /** Relative to the step. */
  readonly path: DataPath;
}

/** Every response a step may say: say, ask, invalid, on_not_found, on_error, handoff.say and end.say. */
export function responseReferences(step: FlowStep): ResponseReference[] {
  const references: ResponseReference[] = [];
  const add = (name: string | undefined, path: DataPath): void => {
    if (name !== undefined) references.push({ name, path });
  };
  if ('say' in step) add(step.say, ['say']);
  if ('collect' in step) {
    add(step.ask, ['ask']);
    add(step.validate?.invalid, ['validate', 'invalid']);
  }
  if ('call' in step) {
    add(step.on_not_found, ['on_not_found']);
    add(step.on_error, ['on_error']);
  }
  if ('action' in step) add(step.on_error, ['on_error']);
  if ('handoff' in step) add(step.handoff.say, ['handoff', 'say']);
  if ('confirm' in step) {
    add(step.confirm.ask, ['confirm', 'ask']);
    add(step.confirm.on_no, ['confirm', 'on_no']);
  }
  return references;
}
