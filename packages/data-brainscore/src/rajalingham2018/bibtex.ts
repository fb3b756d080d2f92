/** Citation of Rajalingham2018 (the BibTeX entry of Brain-Score's Rajalingham2018 benchmarks, abstract left out). */
export const RAJALINGHAM2018_BIBTEX = `@article {Rajalingham240614,
  author = {Rajalingham, Rishi and Issa, Elias B. and Bashivan, Pouya and Kar, Kohitij and Schmidt, Kailyn and DiCarlo, James J.},
  title = {Large-scale, high-resolution comparison of the core visual object recognition behavior of humans, monkeys, and state-of-the-art deep artificial neural networks},
  elocation-id = {240614},
  year = {2018},
  doi = {10.1101/240614},
  publisher = {Cold Spring Harbor Laboratory},
  URL = {https://www.biorxiv.org/content/early/2018/02/12/240614},
  eprint = {https://www.biorxiv.org/content/early/2018/02/12/240614.full.pdf},
  journal = {bioRxiv}
}`;
