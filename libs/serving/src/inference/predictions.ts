import { BadRequestError } from '@app/common';
import type { DeployedModel } from '../models/deployed-models.js';
import type { PredictOutput } from '../models/model-runtime.js';

export interface ClassPrediction {
  label: string;
  confidence: number;
  probabilities: Record<string, number>;
}
export type RegressionPrediction = { value: number } | { values: number[] };
export type Prediction = ClassPrediction | RegressionPrediction;

/**
 * Maps raw output rows to the contract's prediction objects for the model's task. Inputs that are
 * finite in float32 can still overflow inside the network (a huge value times a weight); such a
 * row has no answer, so it is refused by its index (400) instead of leaving as JSON null.
 */
export function toPredictions(model: DeployedModel, output: PredictOutput, rows: number): Prediction[] {
  const { values, outputSize } = output;
  const predictions: Prediction[] = new Array(rows);
  for (let row = 0; row < rows; row += 1) {
    const slice = values.subarray(row * outputSize, (row + 1) * outputSize);
    if (!slice.every(Number.isFinite))
      throw new BadRequestError(
        'INFERENCE_OUTPUT_NOT_FINITE',
        `row ${row}: the model's output is not a finite number for ` +
          `these inputs (values far outside what it was trained on?)`,
      );
    predictions[row] = model.task === 'classification' ? classify(slice, model.outputLabels) : regress(slice);
  }
  return predictions;
}

function classify(scores: Float32Array, labels: string[] | null): ClassPrediction {
  let best = 0;
  const probabilities: Record<string, number> = {};
  for (let index = 0; index < scores.length; index += 1) {
    if (scores[index] > scores[best]) best = index;
    probabilities[labels?.[index] ?? String(index)] = scores[index];
  }
  return { label: labels?.[best] ?? String(best), confidence: scores[best], probabilities };
}

function regress(values: Float32Array): RegressionPrediction {
  return values.length === 1 ? { value: values[0] } : { values: Array.from(values) };
}
