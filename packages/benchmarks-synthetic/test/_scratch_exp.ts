import { CommittedBrainModel, collectActivations, scoreFeatures, type Assembly, type StimulusSet, type Region } from '@vvs/core';
import { OnnxModelAdapter, CNN_SHAPES } from '@vvs/models-onnx';
import { gratingsAndTextures, objectImages } from '../src/stimuli.ts';
import { simulateNeurons, expectedCeiling } from '../src/neurons.ts';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const t0 = performance.now();
const lap = (m: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const gt = await gratingsAndTextures();
const ob = await objectImages({ imagesPerObject: Number(args.ipo ?? 36) });
lap('stimuli');
const cnn0 = await OnnxModelAdapter.load('builtin:cnn@0');
const cnn1 = await OnnxModelAdapter.load('builtin:cnn@1');
const pix = await OnnxModelAdapter.load('builtin:pixels');
const gab = await OnnxModelAdapter.load('builtin:gabor');
const layers = ['stage1', 'stage2', 'stage3', 'stage4', 'avgpool'];
function asm(set: StimulusSet, a: { data: Float32Array; cols: number }): Assembly {
  return { dims: ['presentation', 'neuroid'], shape: [set.rows.length, a.cols], data: a.data, coords: { stimulus_id: { dim: 'presentation', values: set.rows.map((r) => r.stimulus_id) } } };
}
async function feats(set: StimulusSet) {
  const out = new Map<string, Assembly>();
  for (const [l, a] of await collectActivations(cnn0, set, layers)) out.set(`cnn0.${l}`, asm(set, a));
  for (const [l, a] of await collectActivations(cnn1, set, layers.slice(0, 4))) out.set(`cnn1.${l}`, asm(set, a));
  for (const [l, a] of await collectActivations(pix, set, ['pixels'])) out.set(`pixels`, asm(set, a));
  for (const [l, a] of await collectActivations(gab, set, ['complex'])) out.set(`gabor`, asm(set, a));
  return out;
}
const fg = await feats(gt); lap('feats gt');
const fo = await feats(ob); lap('feats ob');
const model = new CommittedBrainModel('cnn@0', cnn0, { regionLayer: { V1: 'stage1', V2: 'stage2', V4: 'stage3', IT: 'stage4' }, behavioralReadoutLayer: 'avgpool' });

const layerOf = { V1: 'stage1', V2: 'stage2', V4: 'stage3', IT: 'stage4' } as const;
const configs = JSON.parse(args.configs ?? '[{}]');
const show = (args.show ?? 'cnn0.stage1,cnn0.stage2,cnn0.stage3,cnn0.stage4,cnn0.avgpool,pixels,SAME1').split(',');
for (const region of (args.regions ?? 'V1,V2,V4,IT').split(',') as Region[]) {
  for (const cfg of configs) {
  const set = region === 'V1' || region === 'V2' ? gt : ob;
  const f = region === 'V1' || region === 'V2' ? fg : fo;
  const layer = layerOf[region];
  const nm = { neuroids: 64, repetitions: 24, receptiveFieldSize: 0.15, channelFraction: 0.5, threshold: 0, noiseToSignal: 2, ...cfg };
  const assembly = await simulateNeurons({ model, region, stimuli: set, layerShape: CNN_SHAPES[layer] as any, seed: 1, ...nm });
  const strat = region === 'V1' || region === 'V2' ? 'texture_type' : 'object_name';
  const res: string[] = [];
  let ceil = 0;
  for (const name0 of show) {
    const name = name0 === 'SAME1' ? `cnn1.${layer}` : name0;
    const s = await scoreFeatures(f.get(name)!, assembly, { stratifyBy: strat });
    ceil = s.ceiling;
    res.push(`${name.replace('cnn0.', '')}=${s.unclipped.toFixed(3)}`);
  }
  lap(`${region} ${JSON.stringify(cfg)} ceil=${ceil.toFixed(3)}\n   ${res.join('  ')}`);
  }
}
