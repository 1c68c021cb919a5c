import type { BotModel } from './bot-model.js';
import type { BotProblem } from './bot-problem.js';
import { checkRichElements, elementTexts, variationButtons } from './check-rich-elements.js';
import type { VariationText } from './check-rich-elements.js';
import { didYouMean, listNames } from './did-you-mean.js';
import { problemAt } from './problem-at.js';
import { placeholdersIn } from './placeholders.js';
import type { SlotCatalogue } from './slot-catalogue.js';
import { checkSlotReference } from './slot-catalogue.js';
import { responseReferences } from './step-references.js';

/**
 * The responses bot.yaml relies on exist, placeholders name filled slots, buttons (on cards too)
 * name real intents, and rich elements hold together.
 */
export function checkResponses(model: BotModel, slots: SlotCatalogue): BotProblem[] {
  return [...checkConfiguredResponses(model), ...checkPlaceholders(model, slots), ...checkButtonPayloads(model), ...checkRichElements(model)];
}

function checkConfiguredResponses(model: BotModel): BotProblem[] {
  const known = model.declared.responses;
  const file = model.configFile;
  if (known === null || file === null) return [];
  const problems: BotProblem[] = [];
  const required = [
    { name: model.fallbackResponse, path: ['fallback', 'response'], role: 'fallback', use: 'it is said when the bot does not understand' },
    { name: model.errorResponse, path: ['error_response'], role: 'error', use: 'it is said when a turn fails unexpectedly' },
    {
      name: model.config?.dialogue.cancelled_response,
      path: ['dialogue', 'cancelled_response'],
      role: 'cancelled',
      use: 'it is said when the user cancels a flow',
    },
    { name: model.config?.dialogue.clarify_response, path: ['dialogue', 'clarify_response'], role: 'clarifying', use: 'it asks which of two intents was meant' },
    { name: model.config?.dialogue.offer_human_response, path: ['dialogue', 'offer_human_response'], role: 'offer-a-person', use: 'it is said on the second miss in a row' },
  ];
  for (const { name, path, role, use } of required) {
    if (name === undefined || known.has(name)) continue;
    const suggestion = didYouMean(name, known);
    const add = `add "${name}" to responses.yaml: ${use}`;
    problems.push(
      problemAt('error', file, path, {
        message: `the ${role} response "${name}" is not in responses.yaml`,
        hint: suggestion === undefined ? add : `${suggestion} Otherwise ${add}`,
      }),
    );
  }
  return problems;
}

/** Only responses said inside flows are checked: that is where slots exist. */
function checkPlaceholders(model: BotModel, slots: SlotCatalogue): BotProblem[] {
  const used = new Set(model.flowParts.flatMap((flow) => flow.steps.flatMap(({ step }) => responseReferences(step).map((reference) => reference.name))));
  const problems: BotProblem[] = [];
  for (const name of used) {
    const response = model.responses.get(name);
    if (response === undefined) continue;
    response.value.forEach((variation, index) => {
      const texts: VariationText[] = [{ text: variation.text, path: ['text'] }];
      (variation.buttons ?? []).forEach((button, buttonIndex) => {
        texts.push({ text: button.title, path: ['buttons', buttonIndex, 'title'] });
        texts.push({ text: button.payload, path: ['buttons', buttonIndex, 'payload'] });
      });
      texts.push(...elementTexts(variation));
      for (const { text, path } of texts) {
        for (const reference of placeholdersIn(text)) {
          const problem = checkSlotReference(slots, reference, `response "${name}"`);
          if (problem) problems.push(problemAt('warning', response.file, [...response.path, index, ...path], problem));
        }
      }
    });
  }
  return problems;
}

/** A payload "/intent_name" is taken as that intent, so it must name one. */
function checkButtonPayloads(model: BotModel): BotProblem[] {
  if (model.declared.intents === null) return [];
  const intents = new Set(model.declared.intents.map((intent) => intent.name));
  const problems: BotProblem[] = [];
  for (const response of model.responses.values()) {
    response.value.forEach((variation, index) => {
      for (const { button, path } of variationButtons(variation)) {
        const intent = /^\/([A-Za-z0-9_]+)$/.exec(button.payload.trim())?.[1];
        if (intent === undefined || intents.has(intent)) continue;
        const suggestion = didYouMean(intent, intents);
        problems.push(
          problemAt('error', response.file, [...response.path, index, ...path, 'payload'], {
            // No response name in the message: buttons shared through a YAML alias are one mistake in one place.
            message: `a button sends "/${intent}", which is not an intent`,
            hint: suggestion === undefined ? `use "/" followed by an intent name: ${listNames(intents)}` : `${suggestion.replace(/"(.*)"/, '"/$1"')} Payloads "/name" name an intent`,
          }),
        );
      }
    });
  }
  return problems;
}
