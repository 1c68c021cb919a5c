// The small part of NLP.js (v4, plain CommonJS without types) that bench/nlu.ts uses.

declare module '@nlpjs/nlp' {
  export interface NlpClassification {
    readonly intent: string;
    readonly score: number;
  }

  /** What `Nlp.classify` answers: the best intent (`None` when nothing matches) and the ranking. */
  export interface NlpClassifyResult {
    readonly intent: string;
    readonly score: number;
    readonly classifications: readonly NlpClassification[];
  }

  /** The neural network's state after each training epoch (what `nlu.log` receives). */
  export interface NeuralTrainingStatus {
    readonly iterations: number;
    readonly error: number;
    readonly deltaError: number;
  }

  export interface NlpSettings {
    languages?: string[];
    autoSave?: boolean;
    autoLoad?: boolean;
    nlu?: {
      /** true prints every epoch to stdout (the default); a function receives the status instead. */
      log?: boolean | ((status: NeuralTrainingStatus, epochMs: number) => void);
      useNoneFeature?: boolean;
    };
  }

  export class Nlp {
    constructor(settings?: NlpSettings);
    use(plugin: unknown): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    classify(locale: string, utterance: string): Promise<NlpClassifyResult>;
  }
}

declare module '@nlpjs/lang-en-min' {
  /** Registers the English normaliser, tokeniser, stop words and stemmer in a container. */
  export class LangEn {
    register(container: unknown): void;
  }
}
