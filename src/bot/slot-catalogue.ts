import type { BotModel } from './bot-model.js';
import type { ConnectorData, ConnectorRecord } from './connector-data.js';
import { closestName, listNames } from './did-you-mean.js';
import type { SlotReference } from './placeholders.js';

/** What is known about the slots flows fill, to check `{slot}` and `{slot.field}` references. */
export interface SlotCatalogue {
  /** Null when a flows file was too broken to read its slots. */
  readonly names: ReadonlySet<string> | null;
  /** Slots only ever filled by a static connector's `get`: the records it can return. */
  readonly records: ReadonlyMap<string, { readonly connector: string; readonly records: readonly ConnectorRecord[] }>;
}

export function buildSlotCatalogue(model: BotModel, connectorData: ReadonlyMap<string, ConnectorData>): SlotCatalogue {
  const records = new Map<string, { connector: string; records: readonly ConnectorRecord[] }>();
  const opaque = new Set<string>();
  for (const flow of model.flowParts) {
    for (const { step } of flow.steps) {
      if ('collect' in step) opaque.add(step.collect);
      if ('set' in step) for (const slot of Object.keys(step.set)) opaque.add(slot);
      if ('action' in step) for (const slot of step.sets) opaque.add(slot);
      if ('call' in step) {
        const connector = step.call.split('.')[0]!;
        const data = connectorData.get(connector);
        const known = records.get(step.save_as);
        if (data === undefined || (known !== undefined && known.connector !== connector)) opaque.add(step.save_as);
        else records.set(step.save_as, { connector, records: data.records });
      }
    }
  }
  for (const slot of opaque) records.delete(slot);
  return { names: model.declared.slots, records };
}

/** A problem text when the reference names a slot no flow fills, or a field no record has. */
export function checkSlotReference(catalogue: SlotCatalogue, reference: SlotReference, where: string): { message: string; hint: string } | undefined {
  const { names } = catalogue;
  if (names === null) return undefined;
  if (!names.has(reference.slot)) {
    const suggestion = closestName(reference.slot, names);
    return {
      message: `${where} uses ${reference.text}, but no flow collects, saves or sets a slot "${reference.slot}"`,
      hint:
        suggestion === undefined
          ? `fill it in a flow first ("collect: ${reference.slot}", "save_as: ${reference.slot}" or "set: { ${reference.slot}: … }"), or fix the name`
          : `did you mean "${suggestion}"? Slots filled by flows: ${listNames(names)}`,
    };
  }
  const source = catalogue.records.get(reference.slot);
  if (source === undefined || reference.fields.length === 0) return undefined;
  const missing = missingField(source.records, reference.fields);
  if (missing === undefined) return undefined;
  const suggestion = closestName(missing.field, missing.available);
  const fixed = suggestion === undefined ? undefined : reference.text.replace(new RegExp(`\\.${missing.field}(?=[.}]|$)`), `.${suggestion}`);
  return {
    message: `${where} uses ${reference.text}, but no record of connector "${source.connector}" has "${[...reference.fields.slice(0, missing.depth), missing.field].join('.')}"`,
    hint: fixed === undefined ? `known fields: ${listNames(missing.available)}` : `did you mean ${fixed}? Known fields: ${listNames(missing.available)}`,
  };
}

/** The first field of the path that no record has, with the fields that do exist at that depth. */
function missingField(records: readonly ConnectorRecord[], fields: readonly string[]): { field: string; depth: number; available: string[] } | undefined {
  let level: unknown[] = [...records];
  for (const [depth, field] of fields.entries()) {
    const objects = level.filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value));
    const next = objects.filter((object) => Object.hasOwn(object, field)).map((object) => object[field]);
    if (next.length === 0) {
      const available = [...new Set(objects.flatMap((object) => Object.keys(object)))];
      // Past a scalar or a list nothing can be said about the path, so only objects are judged.
      return objects.length === 0 ? undefined : { field, depth, available };
    }
    level = next;
  }
  return undefined;
}
