"""Torch's side of `pnpm bench:extraction`: resnet18 throughput on the CPU, images/second.

Reads every PNG of --images in name order, batch by batch, through PIL and torchvision's
Resize((224, 224)) + ToTensor + Normalize(ImageNet) -- Brain-Score's `load_preprocess_images`, the
pipeline vvs reproduces with sharp -- and runs torchvision's resnet18 (weights from --model, a
checkpoint whose 'model' entry is the state dict) in eval mode under torch.no_grad(), with torch's
default thread count unless --threads says otherwise. Timed from the first batch read to the last
batch produced (model load excluded), as vvs is. Prints one JSON line.
"""
import argparse
import json
import os
import time

import torch
import torchvision
from PIL import Image
from torchvision import transforms

IMAGE_SIZE = 224
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--images', required=True)
    parser.add_argument('--model', required=True)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--threads', type=int, help="intra-op threads (default: torch's own)")
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)

    model = torchvision.models.resnet18(weights=None)
    model.load_state_dict(torch.load(args.model, map_location='cpu')['model'])
    model.eval()
    preprocess = transforms.Compose([
        transforms.Resize((IMAGE_SIZE, IMAGE_SIZE)),
        transforms.ToTensor(),
        transforms.Normalize(mean=IMAGENET_MEAN, std=IMAGENET_STD),
    ])
    paths = sorted(os.path.join(args.images, name) for name in os.listdir(args.images) if name.endswith('.png'))

    started = time.perf_counter()
    with torch.no_grad():
        for start in range(0, len(paths), args.batch):
            batch = torch.stack([preprocess(Image.open(p).convert('RGB')) for p in paths[start:start + args.batch]])
            model(batch)
    seconds = time.perf_counter() - started
    print(json.dumps({
        'images': len(paths), 'batchSize': args.batch, 'seconds': seconds, 'imagesPerSecond': len(paths) / seconds,
        'threads': torch.get_num_threads(), 'torchVersion': torch.__version__,
    }))


if __name__ == '__main__':
    main()
