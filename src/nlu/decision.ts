/** What a deciding stage (payload, pattern) says when it is sure; later stages are then skipped. */
export interface StageDecision {
  readonly intent: string;
  readonly confidence: number;
  readonly stage: string;
  readonly reason: string;
}
