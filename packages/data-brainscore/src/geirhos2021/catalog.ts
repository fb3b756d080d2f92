/**
 * Geirhos2021's files as Brain-Score publishes them (brain-score/vision `data/geirhos2021`): the
 * human trials of the 17 out-of-distribution data sets of model-vs-human (Geirhos et al. 2021) and
 * their images. The SHA-1s agree with Brain-Score's `data/geirhos2021/geirhos_hashes.csv`.
 */
import type { DataSetEntry } from '@vvs/core';
import { assemblyEntry, stimulusSetEntry } from '../storage.ts';

/**
 * The 17 out-of-distribution data sets of model-vs-human (Geirhos et al. 2021), in Brain-Score's
 * `DATASETS` order (`benchmarks/geirhos2021/benchmark.py`), which is also code-point order.
 */
export const GEIRHOS2021_DATASETS = [
  'colour', 'contrast', 'cue-conflict', 'edge', 'eidolonI', 'eidolonII', 'eidolonIII', 'false-colour', 'high-pass',
  'low-pass', 'phase-scrambling', 'power-equalisation', 'rotation', 'silhouette', 'sketch', 'stylized', 'uniform-noise',
] as const;

/**
 * One of the 17 model-vs-human data sets.
 *
 * @example
 * const dataset: Geirhos2021Dataset = 'cue-conflict';
 */
export type Geirhos2021Dataset = (typeof GEIRHOS2021_DATASETS)[number];

/** Per data set: the SHA-1 of the trials assembly and of the images' CSV and zip. */
const FILES: readonly { dataset: Geirhos2021Dataset; assemblySha1: string; csvSha1: string; zipSha1: string }[] = [
  { dataset: 'colour', assemblySha1: '258862d82467614e45cc1e488a5ac909eb6e122d', csvSha1: '9c97c155fd6039a95978be89eb604c6894c5fa16', zipSha1: 'd166f1d3dc3d00c4f51a489e6fcf96dbbe778d2c' },
  { dataset: 'contrast', assemblySha1: '1e114c987dc035ccca43781ff8cee9689acd3c3f', csvSha1: 'f6ef69a2e8937e1d0d83c8a21b325b4273494cb5', zipSha1: 'ebeeef2f9c6a7282e20ef2026dc77eefa026957b' },
  { dataset: 'cue-conflict', assemblySha1: 'cc214e3595d34565b13963c5f56049769a39a5c9', csvSha1: '8d3ae89d8870fb7d7c5d5ff387085b1f0116e2b7', zipSha1: '7e601186b181102939cd0b43a4e8a3ca95c18259' },
  { dataset: 'edge', assemblySha1: 'ab1dc9e188e248da07215b375eb3dbcc58fde7fb', csvSha1: 'fb57005ecb80e4e37b01e084f1f176fe7f59ff7f', zipSha1: '6c1199d90836a26be454aa799864a63c5efacaa1' },
  { dataset: 'eidolonI', assemblySha1: '0f01f351ae19eafc2cb5e504d98e5cd01b4c07b4', csvSha1: '049adbed36fed52c609d38d5230e6084336df6b9', zipSha1: 'abaa45a225628dd66e424ec7d8e2b10a0c88bc0d' },
  { dataset: 'eidolonII', assemblySha1: '499eea0f0c0817d02b5b97d2ebab89bc4c40a153', csvSha1: '1806ada128c260ab54db570d2e73aea71d679754', zipSha1: '2654ba55291f8ab972f18b36565f9ead80a45339' },
  { dataset: 'eidolonIII', assemblySha1: 'e7c9a49e729f8666f8aedc6e47c746fbbe2ebe36', csvSha1: 'ba0173b315f02df16d418dc3ff1df7dc498b4893', zipSha1: 'd0304c0c0024d0f493ea9c0c47ae0221da391016' },
  { dataset: 'false-colour', assemblySha1: '4dc072264651c81575564ba4818a12b8e8039c65', csvSha1: '8a09a7af8ec44339bcae5500ae5900d9c4309042', zipSha1: 'ec0ba347fc14d0c0587d38bfa96e4ab5d2f7979a' },
  { dataset: 'high-pass', assemblySha1: '5df45c69127758f1ba3391671c521711050e3b4d', csvSha1: 'ddf523dcf43398cc15894c7b51c436d526e6c992', zipSha1: '12322bb17270a5dde206314fcdc125c4bb235e3b' },
  { dataset: 'low-pass', assemblySha1: '75ab628d9e6d0d634290567b1cb261d7f8dc61e2', csvSha1: '1264f9be407c7d428cf3d62a7bb1b1bb45a821bc', zipSha1: 'ad087676e04e51adadea7c7c5c1fa28e4dd6360c' },
  { dataset: 'phase-scrambling', assemblySha1: '4124f9f5b86fb6ed82c98197d292eef50b608aba', csvSha1: '0cc87f7ac42c2266f98d3a08783f7173499ec2fc', zipSha1: '462e77ab9533072b7036118f1f697e8c9bf30ae4' },
  { dataset: 'power-equalisation', assemblySha1: '0aba1b50a7e0802d76c41d332a121a3f96ef4f7d', csvSha1: '743935476b1fe4b7bd4d01a4eed24cd9ed5b3a22', zipSha1: 'a0d5307525bccf8da8f3d293e7e324b9b20248c6' },
  { dataset: 'rotation', assemblySha1: 'e51a5c3bc95ade159e71aa602232063730bcd57b', csvSha1: '2577831e9ead905669613fa17cb2651d0c48a455', zipSha1: '8f5d9cb217807e96ace61337144e429d0d4ba04c' },
  { dataset: 'silhouette', assemblySha1: '7dc94991465fe8009244e0d6fb8283419a1f9885', csvSha1: 'fb57005ecb80e4e37b01e084f1f176fe7f59ff7f', zipSha1: '36c8a481f7876a2af2ad4fe80890b302fe3ae91e' },
  { dataset: 'sketch', assemblySha1: '6709850864cea16d99a29fb31ae3c4a489983562', csvSha1: 'a5741b2f7bd08541a0dbefd7fb2d6a3845ca800b', zipSha1: '8e8712f08a5ad3655ea2bd8cd675db8cdf65129a' },
  { dataset: 'stylized', assemblySha1: 'dcf15f292e787a88e1e0f271e6b2838d6bdadfd3', csvSha1: '2265a540dee6915150bf7c61143eaf788f603866', zipSha1: '75d273e8de643b0d814fbe60cd237c31ebe19c44' },
  { dataset: 'uniform-noise', assemblySha1: 'f5e8b2636738f978c71591b8df6f8a21a66b72d1', csvSha1: '89b62a6af878974d388278ed0e23e8ed1c2fd855', zipSha1: 'ff4566542d65056028660293e2409b532e887714' },
];

/**
 * The catalog entries of one Geirhos2021 data set: the human trials (`Geirhos2021_<dataset>`) and
 * the images (`Geirhos2021_<dataset>.stimuli`: Brain-Score registers both under the same key, in two
 * registries; vvs's one catalog needs two ids).
 *
 * @example
 * const [trials, images] = geirhos2021Entries('colour');
 * trials.files[0].name; // 'assy_brendel_Geirhos2021_colour.nc'
 */
export function geirhos2021Entries(dataset: Geirhos2021Dataset): [DataSetEntry, DataSetEntry] {
  const facts = FILES.find((f) => f.dataset === dataset)!;
  return [
    assemblyEntry({
      key: `Geirhos2021_${dataset}`,
      identifier: `brendel.Geirhos2021_${dataset}`,
      sha1: facts.assemblySha1,
      description: `Geirhos2021 ${dataset}: human 16-class decisions (model-vs-human)`,
    }),
    stimulusSetEntry({
      key: `Geirhos2021_${dataset}.stimuli`,
      identifier: `Geirhos2021_${dataset}`,
      csvSha1: facts.csvSha1,
      zipSha1: facts.zipSha1,
      description: `Geirhos2021 ${dataset} images`,
    }),
  ];
}
