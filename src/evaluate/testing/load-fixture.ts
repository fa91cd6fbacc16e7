/**
 * Loads a real TF.js model from .fixtures/real for tests, with the stock loaders and no network: model.json
 * (or the one *.json) + shards, through tf.io.fromMemory. A test-only stand-in for the core's own loader.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const FIXTURES = join(process.cwd(), '.fixtures/real');

export function fixtureArtifacts(dir: string): tf.io.ModelArtifacts {
  const jsonName = readdirSync(dir).find((n) => n.endsWith('.json'))!;
  const json = JSON.parse(readFileSync(join(dir, jsonName), 'utf8'));
  const manifest = json.weightsManifest as tf.io.WeightsManifestConfig;
  const shards = manifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(join(dir, p)))));
  const weightData = new Uint8Array(shards.reduce((a, s) => a + s.length, 0));
  shards.reduce((o, s) => (weightData.set(s, o), o + s.length), 0);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
    weightSpecs: manifest.flatMap((g) => g.weights),
    weightData: weightData.buffer,
  };
}

/** Loads .fixtures/real/<name> as a graph model. */
export async function loadFixtureGraphModel(name: string): Promise<tf.GraphModel> {
  return tf.loadGraphModel(tf.io.fromMemory(fixtureArtifacts(join(FIXTURES, name))));
}

/** Loads .fixtures/real/<name> as a layers model. */
export async function loadFixtureLayersModel(name: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(fixtureArtifacts(join(FIXTURES, name))));
}
