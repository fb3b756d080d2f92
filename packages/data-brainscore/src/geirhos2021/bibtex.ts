/** Citation of Geirhos2021 (the BibTeX entry of Brain-Score's Geirhos2021 benchmarks). */
export const GEIRHOS2021_BIBTEX = `@article{geirhos2021partial,
  title={Partial success in closing the gap between human and machine vision},
  author={Geirhos, Robert and Narayanappa, Kantharaju and Mitzkus, Benjamin and Thieringer, Tizian and Bethge, Matthias and Wichmann, Felix A and Brendel, Wieland},
  journal={Advances in Neural Information Processing Systems},
  volume={34},
  year={2021},
  url={https://openreview.net/forum?id=QkljT4mrfs}
}`;
