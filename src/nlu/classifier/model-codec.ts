import { ParleyError } from '../../core/index.js';
import type { IntentModelData } from './trained-classifier.js';

/**
 * A model on disk or in the store: a 4-byte header length, a JSON header (everything but the
 * numbers), then the IDF, weight and bias arrays as little-endian float32. Loading is a parse of
 * the header and three typed-array copies, so a model is ready in milliseconds.
 */

const MAGIC = 'PARLEY-NLU';

export function encodeModel(data: IntentModelData): Buffer {
  const { idf, weights, bias, ...rest } = data;
  const header = Buffer.from(JSON.stringify({ magic: MAGIC, ...rest, lengths: [idf.length, weights.length, bias.length] }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  return Buffer.concat([length, header, floatBytes(idf), floatBytes(weights), floatBytes(bias)]);
}

export function decodeModel(bytes: Uint8Array): IntentModelData {
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = buffer.readUInt32LE(0);
    const header = JSON.parse(buffer.subarray(4, 4 + headerLength).toString('utf8')) as Omit<IntentModelData, 'idf' | 'weights' | 'bias'> & {
      magic: string;
      lengths: [number, number, number];
    };
    if (header.magic !== MAGIC || header.formatVersion !== 1) throw new Error('not a Parley NLU model of a known format');
    const { magic: _magic, lengths, ...rest } = header;
    let offset = 4 + headerLength;
    const take = (count: number) => {
      const array = new Float32Array(count);
      Buffer.from(array.buffer).set(buffer.subarray(offset, offset + count * 4));
      offset += count * 4;
      return array;
    };
    const idf = take(lengths[0]);
    const weights = take(lengths[1]);
    const bias = take(lengths[2]);
    if (offset !== buffer.length || weights.length !== rest.features.length * rest.classes.length) throw new Error('the model file is truncated or inconsistent');
    return { ...rest, idf, weights, bias };
  } catch (error) {
    throw new ParleyError('PARLEY_NLU_MODEL_INVALID', `Cannot read the NLU model: ${(error as Error).message}`, { cause: error });
  }
}

function floatBytes(array: Float32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}
