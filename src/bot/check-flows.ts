import { OUT_OF_SCOPE_INTENT, builtinEntityNames, type CallStep, type CollectStep } from '../core/index.js';
import type { BotModel, FlowParts } from './bot-model.js';
import type { BotProblem } from './bot-problem.js';
import { connectorOperations } from './connector-operations.js';
import { didYouMean, listNames } from './did-you-mean.js';
import { placeOf, problemAt } from './problem-at.js';
import { placeholdersIn, slotReference } from './placeholders.js';
import { regexError, regexHint } from './regular-expressions.js';
import type { SlotCatalogue } from './slot-catalogue.js';
import { checkSlotReference } from './slot-catalogue.js';
import type { DataPath } from './source-file.js';
import { responseReferences } from './step-references.js';

/** Everything a flow names must exist: intents, responses, entities, connectors and their operations. */
export function checkFlows(model: BotModel, slots: SlotCatalogue, actions: ReadonlySet<string> = new Set()): BotProblem[] {
  const problems: BotProblem[] = [];
  const usedActions = new Set<string>();
  const startedBy = new Map<string, { owner: FlowParts; place: string }>();
  for (const flow of model.flowParts) {
    problems.push(...checkTriggers(model, flow, startedBy));
    // A step after an unconditional end or goto can never run.
    let stopper: { index: number; kind: string } | null = null;
    for (const { step, index } of flow.steps) {
      const stepPath = [...flow.path, 'steps', index];
      if (stopper !== null) {
        problems.push(
          problemAt('error', flow.file, stepPath, {
            message: `step ${index + 1} of flow "${flow.name}" can never run: step ${stopper.index + 1} always ends the flow (${stopper.kind})`,
            hint: `remove it, move it before step ${stopper.index + 1}, or guard that step with "if:"`,
          }),
        );
        stopper = null;
      }
      if (step.if === undefined && ('end' in step || 'goto' in step)) stopper = { index, kind: 'end' in step ? 'end' : `goto ${step.goto}` };
      const report = (severity: BotProblem['severity'], path: DataPath, text: { message: string; hint: string }): void => {
        problems.push(problemAt(severity, flow.file, [...stepPath, ...path], text));
      };
      for (const reference of responseReferences(step)) {
        const known = model.declared.responses;
        if (known === null || known.has(reference.name)) continue;
        const suggestion = didYouMean(reference.name, known);
        report('error', reference.path, {
          message: `flow "${flow.name}" uses unknown response "${reference.name}"`,
          hint: suggestion === undefined ? `add "${reference.name}" to responses.yaml` : `${suggestion} Otherwise add "${reference.name}" to responses.yaml`,
        });
      }
      if (step.if !== undefined) {
        const problem = checkSlotReference(slots, slotReference(step.if.slot), `the condition of flow "${flow.name}"`);
        if (problem) report('warning', ['if', 'slot'], problem);
      }
      if ('collect' in step) checkCollect(model, flow.name, step, report);
      if ('call' in step) checkCall(model, flow.name, step, slots, report);
      if ('action' in step) {
        usedActions.add(step.action);
        if (!actions.has(step.action)) {
          const suggestion = didYouMean(step.action, actions);
          report('error', ['action'], {
            message: `flow "${flow.name}" runs unknown action "${step.action}"`,
            hint: `${suggestion === undefined ? '' : `${suggestion} Otherwise `}create actions/${step.action.replaceAll('_', '-')}.ts exporting the action as default`,
          });
        }
      }
      if ('goto' in step) {
        const flows = new Set(model.flowParts.map((candidate) => candidate.name));
        if (!flows.has(step.goto)) {
          const suggestion = didYouMean(step.goto, flows);
          report('error', ['goto'], {
            message: `flow "${flow.name}" goes to unknown flow "${step.goto}"`,
            hint: suggestion ?? `use one of: ${listNames(flows)}`,
          });
        } else if (step.goto === flow.name) {
          report('error', ['goto'], { message: `flow "${flow.name}" goes to itself`, hint: 'a flow that starts over would loop; end it, or collect again' });
        }
      }
    }
  }
  for (const action of [...actions].sort()) {
    if (usedActions.has(action)) continue;
    problems.push({
      severity: 'warning',
      file: 'actions',
      line: 1,
      column: 1,
      message: `no flow runs the action "${action}"`,
      hint: `add a step "- action: ${action}" to a flow, or delete its file`,
    });
  }
  return problems;
}

type Report = (severity: BotProblem['severity'], path: DataPath, text: { message: string; hint: string }) => void;

function checkTriggers(model: BotModel, flow: FlowParts, startedBy: Map<string, { owner: FlowParts; place: string }>): BotProblem[] {
  const problems: BotProblem[] = [];
  const { file, path } = flow;
  if (flow.trigger === undefined) return problems;
  const knownIntents = model.declared.intents === null ? null : new Set(model.declared.intents.map((intent) => intent.name));
  flow.trigger.intents.forEach((intent, index) => {
    const intentPath = [...path, 'trigger', 'intents', index];
    if (intent === OUT_OF_SCOPE_INTENT) {
      problems.push(
        problemAt('error', file, intentPath, {
          message: `flow "${flow.name}" is triggered by "${OUT_OF_SCOPE_INTENT}", which is never recognised as an intent`,
          hint: `"${OUT_OF_SCOPE_INTENT}" examples teach the NLU what is out of scope; such messages get the fallback response (fallback.response in bot.yaml)`,
        }),
      );
      return;
    }
    if (knownIntents !== null && !knownIntents.has(intent)) {
      const suggestion = didYouMean(intent, knownIntents);
      problems.push(
        problemAt('error', file, intentPath, {
          message: `flow "${flow.name}" is triggered by unknown intent "${intent}"`,
          hint:
            suggestion === undefined
              ? `define "${intent}" in a file under intents/, or use one of: ${listNames(knownIntents)}`
              : `${suggestion} Otherwise define "${intent}" in a file under intents/`,
        }),
      );
    }
    const earlier = startedBy.get(intent);
    if (earlier === undefined) startedBy.set(intent, { owner: flow, place: placeOf(file, intentPath) });
    else if (earlier.owner !== flow) {
      problems.push(
        problemAt('error', file, intentPath, {
          message: `intent "${intent}" triggers both flow "${earlier.owner.name}" and flow "${flow.name}"`,
          hint: `an intent starts one flow: remove it from one trigger (the other is at ${earlier.place}), or branch inside one flow with "if:"`,
        }),
      );
    }
  });
  return problems;
}

function checkCollect(model: BotModel, flowName: string, step: CollectStep, report: Report): void {
  const knownEntities =
    model.declared.entities === null ? null : new Set([...model.declared.entities.map((entity) => entity.name), ...builtinEntityNames]);
  if (step.entity !== undefined && knownEntities !== null && !knownEntities.has(step.entity)) {
    const suggestion = didYouMean(step.entity, knownEntities);
    report('error', ['entity'], {
      message: `flow "${flowName}" collects "${step.collect}" from unknown entity "${step.entity}"`,
      hint: suggestion === undefined ? `define "${step.entity}" in entities.yaml, or leave "entity" out to take the whole message` : `${suggestion} Otherwise define "${step.entity}" in entities.yaml`,
    });
  }
  if (step.validate !== undefined) {
    const error = regexError(step.validate.pattern);
    if (error !== undefined) report('error', ['validate', 'pattern'], { message: `flow "${flowName}": ${error}`, hint: regexHint });
  }
}

function checkCall(model: BotModel, flowName: string, step: CallStep, slots: SlotCatalogue, report: Report): void {
  const [connectorName = '', operationName = ''] = step.call.split('.');
  const knownConnectors = model.declared.connectors;
  if (knownConnectors !== null && !knownConnectors.has(connectorName)) {
    const suggestion = didYouMean(connectorName, knownConnectors);
    report('error', ['call'], {
      message: `flow "${flowName}" calls unknown connector "${connectorName}"`,
      hint: suggestion === undefined ? `declare "${connectorName}" under "connectors:" in bot.yaml` : `${suggestion} Otherwise declare "${connectorName}" under "connectors:" in bot.yaml`,
    });
  }
  for (const [argument, value] of Object.entries(step.with)) {
    for (const reference of placeholdersIn(value)) {
      const problem = checkSlotReference(slots, reference, `argument "${argument}" of ${step.call}`);
      if (problem) report('warning', ['with', argument], problem);
    }
  }
  const connector = model.connectors.get(connectorName);
  if (connector === undefined) return;
  const operations = connectorOperations(connector.value);
  const operation = operations.find((candidate) => candidate.name === operationName);
  const type = connector.value.type;
  if (operation === undefined) {
    const names = operations.map((candidate) => candidate.name);
    const suggestion = didYouMean(operationName, names);
    const available = names.map((name) => `${connectorName}.${name}`).join(', ');
    report('error', ['call'], {
      message: `connector "${connectorName}" (${type}) has no operation "${operationName}"`,
      hint:
        type === 'static'
          ? `${suggestion === undefined ? '' : `${suggestion} `}static connectors have: ${available}`
          : `${suggestion === undefined ? '' : `${suggestion} `}${names.length === 0 ? `"${connectorName}" declares no operations` : `"${connectorName}" has: ${available}`}; operations are declared under connectors.${connectorName}.operations in bot.yaml`,
    });
    return;
  }
  const given = Object.keys(step.with);
  for (const argument of operation.required.filter((name) => !given.includes(name))) {
    const misspelt = given.find((name) => didYouMean(name, [argument]) !== undefined);
    report('error', given.length > 0 ? ['with'] : [], {
      message: `${step.call} needs the argument "${argument}" in "with"`,
      hint: `${misspelt === undefined ? '' : `did you mean "${argument}" instead of "${misspelt}"? `}${step.call} ${operation.description}: add with: { ${argument}: "{slot}" }`,
    });
  }
  const accepted = operation.accepted;
  if (accepted === null) return;
  for (const argument of given.filter((name) => !accepted.includes(name))) {
    report('warning', ['with', argument], {
      message: `${step.call} ignores the argument "${argument}"`,
      hint: `${step.call} reads only: ${accepted.join(', ')}; remove "${argument}"`,
    });
  }
}
