/**
 * Trains the models the product ships, from data generated here with a seeded PRNG (nothing is
 * downloaded), and saves them in TF.js layers format under models/<name>/<version>/ with a
 * metadata.json that the registry reads at boot, and a reference.json: the statistics of the
 * training inputs that live inputs are checked against for drift (docs/serving.md#input-drift).
 *
 *   npm run train            # both models
 *   npm run train -- sensor-anomaly
 *   npm run train -- --references-only   # only the reference.json files, from the same seeded data
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { mulberry32, selectBackend } from '@app/inference';
// The leaf file, so the server and this script cut the reference bins one way.
import { computeReference } from '../libs/serving/src/drift/reference-stats.js';

const OUT = join(process.cwd(), 'models');

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

const between = (random: () => number, low: number, high: number) => low + (high - low) * random();

interface Dataset {
  x: number[][];
  y: number[];
}

/** The normal operating band of each sensor; a reading outside any band is an anomaly. */
const SENSOR_BANDS = {
  temperature: { low: 15, high: 30, min: -50, max: 100, near: 8 },
  humidity: { low: 30, high: 60, min: 0, max: 100, near: 12 },
  pressure: { low: 990, high: 1030, min: 900, max: 1100, near: 15 },
} as const;
const SENSOR_FEATURES = ['temperature', 'humidity', 'pressure'] as const;

/**
 * Normal readings fall anywhere inside every band (temperature 15..30 °C, humidity 30..60 %,
 * pressure 990..1030 hPa). About half the samples push one or two sensors out of band, either just
 * past the edge (so the model learns where the edges are) or to extremes (very hot/cold, humidity
 * 0/100 %, pressure spikes). The label is the band rule itself.
 */
function sensorReadings(count: number, random: () => number): Dataset {
  const x: number[][] = [];
  const y: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const row = SENSOR_FEATURES.map((name) => between(random, SENSOR_BANDS[name].low, SENSOR_BANDS[name].high));
    if (random() < 0.5) {
      const pushed = random() < 0.75 ? 1 : 2;
      const first = Math.floor(random() * 3);
      for (let k = 0; k < pushed; k += 1) {
        const feature = (first + k) % 3;
        const band = SENSOR_BANDS[SENSOR_FEATURES[feature]];
        const above = random() < 0.5;
        const near = random() < 0.6;
        row[feature] = near
          ? above
            ? band.high + random() * band.near
            : band.low - random() * band.near
          : above
            ? between(random, band.high, band.max)
            : between(random, band.min, band.low);
      }
    }
    const anomaly = SENSOR_FEATURES.some(
      (name, feature) => row[feature] < SENSOR_BANDS[name].low || row[feature] > SENSOR_BANDS[name].high,
    );
    x.push(row);
    y.push(anomaly ? 1 : 0);
  }
  return { x, y };
}

/** Order totals: items × average price, a loyalty discount, a volume discount, and noise. */
function orders(count: number, random: () => number): Dataset {
  const x: number[][] = [];
  const y: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const itemCount = 1 + Math.floor(random() * 10);
    const distinctProducts = 1 + Math.floor(random() * itemCount);
    const avgUnitPrice = Math.exp(between(random, Math.log(5), Math.log(500)));
    const customerOrderCount = Math.floor(random() * 50);
    const loyalty = Math.min(customerOrderCount, 40) * 0.003;
    const volume = distinctProducts >= 5 ? 0.05 : 0;
    const total = itemCount * avgUnitPrice * (1 - loyalty - volume) * (1 + 0.03 * gaussian(random));
    x.push([itemCount, avgUnitPrice, distinctProducts, customerOrderCount]);
    y.push(total);
  }
  return { x, y };
}

function stats(rows: number[][]): { mean: number[]; std: number[] } {
  const columns = rows[0].length;
  const mean = Array.from(
    { length: columns },
    (_, column) => rows.reduce((sum, row) => sum + row[column], 0) / rows.length,
  );
  const std = mean.map(
    (average, column) => Math.sqrt(rows.reduce((sum, row) => sum + (row[column] - average) ** 2, 0) / rows.length) || 1,
  );
  return { mean, std };
}

/**
 * Folds input standardisation into the first Dense layer (W' = W / std, b' = b - (mean / std)·W)
 * so the shipped model takes raw readings.
 */
function foldInputScaling(model: tf.LayersModel, mean: number[], std: number[]): void {
  const dense = model.layers[0];
  const [kernel, bias] = dense.getWeights();
  const scaled = tf.tidy(() => kernel.div(tf.tensor2d(std, [std.length, 1])));
  const shift = tf.tidy(() =>
    bias.sub(
      tf
        .tensor1d(mean.map((value, index) => value / std[index]))
        .reshape([1, -1])
        .matMul(kernel)
        .reshape([-1]),
    ),
  );
  dense.setWeights([scaled, shift]);
}

/**
 * Folds the target's scale into the last Dense layer (y = ŷ·scale). Only a scale, no shift: the layer
 * ends in relu, and relu(z)·scale = relu(z·scale) holds for a positive scale, so the shipped model
 * keeps its output at or above zero.
 */
function foldOutputScale(model: tf.LayersModel, scale: number): void {
  const dense = model.layers[model.layers.length - 1];
  const [kernel, bias] = dense.getWeights();
  dense.setWeights([tf.tidy(() => kernel.mul(scale)), tf.tidy(() => bias.mul(scale))]);
}

async function save(model: tf.LayersModel, dir: string, metadata: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = Buffer.from(artifacts.weightData as ArrayBuffer);
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
      await writeFile(join(dir, 'weights.bin'), weights);
      return {
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length },
      };
    }),
  );
  await writeFile(join(dir, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
}

const progress = (label: string, epochs: number) => ({
  onEpochEnd: async (epoch: number, logs?: tf.Logs) => {
    const width = 30;
    const done = Math.round(((epoch + 1) / epochs) * width);
    process.stdout.write(
      `\r${label} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ` +
        `epoch ${epoch + 1}/${epochs} loss ${logs?.loss?.toFixed(4)}   `,
    );
    if (epoch + 1 === epochs) process.stdout.write('\n');
  },
});

const SENSOR_DIR = join(OUT, 'sensor-anomaly', '1.0.0');
const ORDER_DIR = join(OUT, 'order-value', '1.0.0');
const ORDER_FEATURES = ['itemCount', 'avgUnitPrice', 'distinctProducts', 'customerOrderCount'];

/** The training inputs' reference statistics beside the model (stored with the version at boot). */
async function writeReference(dir: string, rows: number[][], featureNames: readonly string[]): Promise<void> {
  const reference = computeReference(rows.flat(), rows.length, featureNames.length, featureNames);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'reference.json'), `${JSON.stringify(reference, null, 2)}\n`);
}

/** The seeded data each model is trained on: the same rows whether or not the model is trained again. */
const sensorTraining = () => sensorReadings(20000, mulberry32(42));
const orderTraining = () => orders(8000, mulberry32(7));

async function trainSensorAnomaly(): Promise<void> {
  const random = mulberry32(42);
  const train = sensorReadings(20000, random);
  const test = sensorReadings(4000, random);
  await writeReference(SENSOR_DIR, train.x, SENSOR_FEATURES);
  const { mean, std } = stats(train.x);
  const scale = (rows: number[][]) => rows.map((row) => row.map((value, index) => (value - mean[index]) / std[index]));
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [3],
        units: 32,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.dense({
        units: 2,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d(scale(train.x));
  const ys = tf.tensor1d(train.y, 'float32');
  const epochs = 80;
  await model.fit(xs, ys, {
    epochs,
    batchSize: 128,
    shuffle: false,
    verbose: 0,
    callbacks: progress('sensor-anomaly', epochs),
  });
  xs.dispose();
  ys.dispose();
  foldInputScaling(model, mean, std);

  // Evaluate the folded model on raw test readings, as the API will call it.
  const predicted = tf.tidy(() => (model.predict(tf.tensor2d(test.x)) as tf.Tensor).argMax(1).dataSync());
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let correct = 0;
  test.y.forEach((label, index) => {
    const guess = predicted[index];
    if (guess === label) correct += 1;
    if (guess === 1 && label === 1) tp += 1;
    if (guess === 1 && label === 0) fp += 1;
    if (guess === 0 && label === 1) fn += 1;
  });
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fn || 1);
  const metrics = {
    accuracy: round(correct / test.y.length),
    precision: round(precision),
    recall: round(recall),
    f1Score: round((2 * precision * recall) / (precision + recall || 1)),
    testSamples: test.y.length,
  };
  console.log('sensor-anomaly metrics', metrics);
  await save(model, SENSOR_DIR, {
    name: 'sensor-anomaly',
    version: '1.0.0',
    description:
      'Flags sensor readings outside the normal operating band (temperature ' +
      '15..30 °C, humidity 30..60 %, pressure 990..1030 hPa); takes raw readings',
    framework: 'tfjs-layers',
    task: 'classification',
    inputShape: [3],
    featureNames: ['temperature', 'humidity', 'pressure'],
    outputLabels: ['normal', 'anomaly'],
    metrics,
    trainedAt: new Date().toISOString(),
  });
}

/**
 * Squared error plus squared relative error: the first alone fits the large orders and leaves a
 * 10.00 order off by more than its total; the second weighs each order's error by its size
 * (small orders: MAE 4.6 with it weighed 0.05, 1.6 weighed as the squared error).
 */
function squaredAndRelativeError(actual: tf.Tensor, predicted: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const error = predicted.sub(actual);
    return error.square().mean().add(error.div(actual).square().mean());
  });
}

/** Two hidden relu layers; the output's activation is linear for training and relu when shipped. */
function orderValueNetwork(outputActivation: 'linear' | 'relu'): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [4],
        units: 32,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
      }),
      tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
      // An order total cannot be negative: relu at the end, on a target scaled but not centred.
      tf.layers.dense({
        units: 1,
        activation: outputActivation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }),
      }),
    ],
  });
}

async function trainOrderValue(): Promise<void> {
  const random = mulberry32(7);
  const train = orders(8000, random);
  const test = orders(2000, random);
  await writeReference(ORDER_DIR, train.x, ORDER_FEATURES);
  const { mean, std } = stats(train.x);
  const target = stats(train.y.map((value) => [value]));
  const training = orderValueNetwork('linear');
  training.compile({ optimizer: tf.train.adam(0.005), loss: squaredAndRelativeError });
  const xs = tf.tensor2d(train.x.map((row) => row.map((value, index) => (value - mean[index]) / std[index])));
  const ys = tf.tensor2d(train.y.map((value) => [value / target.std[0]]));
  const epochs = 150;
  await training.fit(xs, ys, {
    epochs,
    batchSize: 128,
    shuffle: false,
    verbose: 0,
    callbacks: progress('order-value', epochs),
  });
  xs.dispose();
  ys.dispose();
  // Trained linear so that every order keeps a gradient; shipped with the same weights behind a relu,
  // which changes nothing where the total is positive and clamps the rest to 0.
  const model = orderValueNetwork('relu');
  model.setWeights(training.getWeights());
  foldInputScaling(model, mean, std);
  foldOutputScale(model, target.std[0]);

  const predicted = tf.tidy(() => (model.predict(tf.tensor2d(test.x)) as tf.Tensor).dataSync());
  const average = test.y.reduce((sum, value) => sum + value, 0) / test.y.length;
  let absolute = 0;
  let residual = 0;
  let totalSquares = 0;
  test.y.forEach((value, index) => {
    absolute += Math.abs(predicted[index] - value);
    residual += (predicted[index] - value) ** 2;
    totalSquares += (value - average) ** 2;
  });
  const metrics = {
    mae: round(absolute / test.y.length),
    r2: round(1 - residual / totalSquares),
    testSamples: test.y.length,
    ...smallOrderError(test, predicted),
  };
  console.log('order-value metrics', metrics);
  await save(model, ORDER_DIR, {
    name: 'order-value',
    version: '1.0.0',
    description:
      'Predicts an order total from its item count, average unit ' +
      'price, distinct products and the customer’s past order count',
    framework: 'tfjs-layers',
    task: 'regression',
    inputShape: [4],
    featureNames: ORDER_FEATURES,
    metrics,
    trainedAt: new Date().toISOString(),
  });
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

/** The average hides the small orders, where a fixed error is most of the total: their own error. */
const SMALL_ORDER_LIMIT = 50;
function smallOrderError(test: Dataset, predicted: ArrayLike<number>) {
  const small = test.y.flatMap((value, index) => (value < SMALL_ORDER_LIMIT ? [index] : []));
  const errors = small.map((index) => Math.abs(predicted[index] - test.y[index]));
  const relative = small.map((index) => Math.abs(predicted[index] - test.y[index]) / test.y[index]);
  const mean = (values: number[]) => round(values.reduce((sum, value) => sum + value, 0) / values.length);
  return {
    smallOrderLimit: SMALL_ORDER_LIMIT,
    smallOrderSamples: small.length,
    smallOrderMae: mean(errors),
    smallOrderMeanRelativeError: mean(relative),
    minPrediction: round(Math.min(...Array.from(predicted))),
  };
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).find((argument) => !argument.startsWith('--'));
  if (process.argv.includes('--references-only')) {
    if (!only || only === 'sensor-anomaly') await writeReference(SENSOR_DIR, sensorTraining().x, SENSOR_FEATURES);
    if (!only || only === 'order-value') await writeReference(ORDER_DIR, orderTraining().x, ORDER_FEATURES);
    return;
  }
  const backend = await selectBackend(process.env.INFERENCE_BACKEND === 'cpu' ? 'cpu' : 'auto');
  console.log(`training on the ${backend} backend`);
  if (!only || only === 'sensor-anomaly') await trainSensorAnomaly();
  if (!only || only === 'order-value') await trainOrderValue();
}

await main();
