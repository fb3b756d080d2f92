/** Citation of FreemanZiemba2013 (the BibTeX entry Brain-Score's FreemanZiemba2013 data and benchmarks use). */
export const FREEMANZIEMBA2013_BIBTEX = `@article{freeman2013functional,
  title={A functional and perceptual signature of the second visual area in primates},
  author={Freeman, Jeremy and Ziemba, Corey M and Heeger, David J and Simoncelli, Eero P and Movshon, J Anthony},
  journal={Nature neuroscience},
  volume={16},
  number={7},
  pages={974--981},
  year={2013},
  publisher={Nature Publishing Group}
}`;
