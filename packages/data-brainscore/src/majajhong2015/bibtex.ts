/** Citation of MajajHong2015 (the BibTeX entry of Brain-Score's MajajHong2015 benchmarks, abstract left out). */
export const MAJAJHONG2015_BIBTEX = `@article {Majaj13402,
  author = {Majaj, Najib J. and Hong, Ha and Solomon, Ethan A. and DiCarlo, James J.},
  title = {Simple Learned Weighted Sums of Inferior Temporal Neuronal Firing Rates Accurately Predict Human Core Object Recognition Performance},
  volume = {35},
  number = {39},
  pages = {13402--13418},
  year = {2015},
  doi = {10.1523/JNEUROSCI.5181-14.2015},
  publisher = {Society for Neuroscience},
  issn = {0270-6474},
  URL = {https://www.jneurosci.org/content/35/39/13402},
  eprint = {https://www.jneurosci.org/content/35/39/13402.full.pdf},
  journal = {Journal of Neuroscience}}`;
